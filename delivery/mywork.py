"""What delivery puts on people's My work (see core/mywork.py): overdue progress returns for
programme managers (every area) and relationship managers (the areas they look after), the same
rows as the returns list filtered to "Overdue" (and to the relationship manager); and a lead
organisation's returns to send, with their due dates; returns awaiting staff review (accept or
ask for changes), and the lead's returns sent back for changes."""

from django.urls import reverse

from accounts import permissions as perms
from core.mywork import GROUP_LIMIT, WorkGroup, WorkItem, provider
from programmes.selectors import areas_of_finished_rounds

from . import selectors
from .models import ReturnStatus


def _items(rows, today, title, limit=GROUP_LIMIT):
    return [
        WorkItem(
            title=title(r),
            url=reverse("delivery:return_detail", args=[r.pk]),
            due=r.due_on,
            detail=f"{r.period_start:%-d %b %Y} to {r.period_end:%-d %b %Y}",
            today=today,
            about=r,
        )
        for r in rows[:limit]
    ]


@provider(order=45)
def returns_overdue(work):
    user, today = work.user, work.today
    if not (perms.is_programme_manager(user) or perms.is_relationship_manager(user)):
        return None
    # The returns list's rows without its relationship managers (the items do not show them).
    qs = (
        selectors.returns_list(user=user, today=today)
        .prefetch_related(None)
        .filter(selectors.state_q("overdue", today))
        # Most overdue first, ties in the order the returns were made: sorted on the returns
        # alone, so only the first few are joined to their areas (10 ms at 20,000 areas).
        .order_by("due_on", "pk")
    )
    if not work.include_finished:
        # A finished round's returns never sent are history, not work (issue 25).
        qs = qs.exclude(area__in=areas_of_finished_rounds())
    more = reverse("delivery:returns_list") + "?state=overdue"
    if perms.is_relationship_manager(user):
        qs = qs.filter(area__assignments__user=user, area__assignments__ended_on__isnull=True)
        more += f"&relationship_manager={user.pk}"
    rows, total = work.queue(qs)
    return WorkGroup(
        heading="Progress returns overdue",
        items=_items(rows, today, lambda r: f"{r.area.reference} {r.area.name}", work.limit),
        total=total,
        more_url=more,
    )


@provider(order=35)
def lead_returns(work):
    """Returns due or overdue, and each area's next one (so an area in implementation always
    sees the date of its next return)."""
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user):
        return None
    qs = (
        selectors.returns_list(user=user, today=today)
        .prefetch_related(None)
        .filter(status=ReturnStatus.DRAFT)
    )
    due = list(qs.filter(selectors.state_q("", today))[: work.limit])
    upcoming = qs.filter(selectors.state_q("upcoming", today))
    # Each area's next one: few per area (a few years of quarters), and few areas per lead.
    seen = {r.area_id for r in due}
    for r in upcoming:
        if r.area_id not in seen:
            seen.add(r.area_id)
            due.append(r)
    return WorkGroup(
        heading="Progress returns to send",
        items=_items(
            due, today, lambda r: f"Send your progress return: {r.area.name}", work.limit * 2
        ),
    )


@provider(order=40)
def returns_awaiting_review(work):
    """Submitted returns this person may accept or send back, oldest submission first (the
    returns list's "Awaiting review"); none for leads, funders or finance."""
    user, today = work.user, work.today
    qs = selectors.returns_awaiting_review_for(user)
    if qs.query.is_empty():  # none for leads, funders or finance
        return None
    if not work.include_finished:
        qs = qs.exclude(area__in=areas_of_finished_rounds())
    rows, total = work.queue(qs)
    more = reverse("delivery:returns_list") + "?state=submitted"
    return WorkGroup(
        heading="Progress returns to review",
        items=[
            WorkItem(
                title=f"{r.area.reference} {r.area.name}",
                url=reverse("delivery:return_detail", args=[r.pk]),
                detail=f"{r.period_start:%-d %b %Y} to {r.period_end:%-d %b %Y}, sent "
                f"{r.submitted_at:%-d %b %Y}",
                today=today,
                about=r,
            )
            for r in rows
        ],
        total=total,
        more_url=more,
    )


@provider(order=30)
def lead_returns_changes_requested(work):
    """Returns staff sent back with comments: the lead answers them and sends the return again."""
    user, today = work.user, work.today
    if not perms.is_lead_organisation_user(user):
        return None
    qs = (
        selectors.returns_list(user=user, today=today)
        .prefetch_related(None)
        .filter(status=ReturnStatus.CHANGES_REQUESTED)
    )
    rows, total = work.queue(qs)
    return WorkGroup(
        heading="Progress returns sent back for changes",
        items=_items(
            rows, today, lambda r: f"Answer the comments and resend: {r.area.name}", work.limit
        ),
        total=total,
    )
