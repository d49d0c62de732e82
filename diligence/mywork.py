"""What due diligence puts on a programme manager's My work (core/mywork.py): checklists awaiting
their confirmation (never their own), high fraud risks awaiting a decision, and confirmed due
diligence that expires within 60 days (or has) with no new checklist started."""

from django.urls import reverse

from accounts import permissions as account_perms
from core.mywork import WorkGroup, WorkItem, provider

from . import selectors


def _url(d):
    return reverse("diligence:organisation", args=[d.organisation_id])


@provider(order=24)
def diligence_to_confirm(work):
    user, today = work.user, work.today
    if not account_perms.is_manager_or_admin(user):
        return None
    rows, total = work.queue(selectors.awaiting_confirmation_by(user))
    return WorkGroup(
        heading="Due diligence to confirm",
        total=total,
        more_url=reverse("diligence:list") + "?state=submitted",
        items=[
            WorkItem(
                title=d.organisation.name,
                url=_url(d),
                detail=f"Prepared by {d.prepared_by.get_full_name() if d.prepared_by else '—'}",
                today=today,
                about=d,
            )
            for d in rows
        ],
    )


@provider(order=25)
def diligence_high_risk(work):
    user, today = work.user, work.today
    if not account_perms.is_manager_or_admin(user):
        return None
    rows, total = work.queue(selectors.high_risk_undecided())
    return WorkGroup(
        heading="High fraud risk: decision needed",
        total=total,
        more_url=reverse("diligence:list") + "?state=high_undecided",
        items=[
            WorkItem(
                title=d.organisation.name,
                url=_url(d),
                detail="Awards and payments held until a programme manager decides",
                today=today,
                about=d,
            )
            for d in rows
        ],
    )


@provider(order=26)
def diligence_expiring(work):
    user, today = work.user, work.today
    if not account_perms.is_manager_or_admin(user):
        return None
    rows, total = work.queue(selectors.expiring_soon(today=today))
    return WorkGroup(
        heading="Due diligence expiring",
        total=total,
        more_url=reverse("diligence:list") + "?expiring=on",
        items=[
            WorkItem(
                title=d.organisation.name,
                url=_url(d),
                due=d.expires_on,
                detail="Start a new checklist before it expires",
                today=today,
                about=d,
            )
            for d in rows
        ],
    )
