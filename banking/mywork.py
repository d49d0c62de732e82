"""What banking puts on people's My work (see core/mywork.py): bank details awaiting your
confirmation, for the finance officers and programme managers who did not enter them (the same
rows as the list at banking:pending, less your own)."""

from django.urls import reverse

from core.mywork import WorkGroup, WorkItem, provider

from . import permissions as bank_perms
from . import selectors


@provider(order=38)
def bank_changes_to_confirm(work):
    user, today = work.user, work.today
    if not bank_perms.can_confirm_bank_details(user)[0]:
        return None
    rows, total = work.queue(selectors.pending_changes(user=user))
    return WorkGroup(
        heading="Bank details to confirm",
        items=[
            WorkItem(
                title=f"Call back {a.organisation.name} to confirm "
                + ("its new bank details" if a.replaces_id else "its bank details"),
                url=reverse("banking:account_confirm", args=[a.pk]),
                detail=f"{a.sort_code_display} {a.masked_number} · given "
                f"{a.entered_at:%-d %b %Y}; its payments are held",
                today=today,
                about=a,
            )
            for a in rows
        ],
        total=total,
        more_url=reverse("banking:pending"),
    )
