"""What grant closure puts on people's My work (see core/mywork.py): grants closing (programme
managers), unspent money to receive (programme managers and finance officers) and write-offs
awaiting a second approval (programme managers other than the proposer). The final report is a
return, so the lead organisation finds it with its returns (delivery/mywork.py)."""

from django.urls import reverse

from accounts import permissions as perms
from core.money import pounds
from core.mywork import WorkGroup, WorkItem, provider

from . import selectors


@provider(order=45)
def closure_work(work):
    user, today = work.user, work.today
    groups = []
    manager = perms.is_manager_or_admin(user)
    if manager:
        rows, total = work.queue(selectors.open_closures(), part="closing")
        groups.append(
            WorkGroup(
                heading="Grants to close",
                total=total,
                more_url=reverse("closure:closure_list") + "?status=closing",
                items=[
                    WorkItem(
                        title=f"Close the grant: {c.area.reference} {c.area.name}",
                        url=c.get_absolute_url(),
                        detail=f"{c.get_status_display()} · final report "
                        f"{c.final_report.get_status_display().lower() if c.final_report else '—'}",
                        today=today,
                        about=c,
                    )
                    for c in rows
                ],
            )
        )
        rows, total = work.queue(selectors.write_offs_to_approve(user), part="write_off")
        groups.append(
            WorkGroup(
                heading="Write-offs to approve",
                total=total,
                more_url=reverse("closure:closure_list"),
                items=[
                    WorkItem(
                        title=f"Approve writing off {pounds(u.outstanding)}: "
                        f"{u.reconciliation.closure.area.reference}",
                        url=u.get_absolute_url(),
                        detail=u.write_off_reason[:120],
                        today=today,
                        about=u,
                    )
                    for u in rows
                ],
            )
        )
    if manager or perms.is_finance_officer(user):
        rows, total = work.queue(selectors.unspent_to_receive(), part="receive")
        groups.append(
            WorkGroup(
                heading="Unspent grant money to receive",
                total=total,
                more_url=reverse("closure:closure_list"),
                items=[
                    WorkItem(
                        title=f"Receive {pounds(u.outstanding)}: "
                        f"{u.reconciliation.closure.area.reference} "
                        f"{u.reconciliation.closure.area.name}",
                        url=u.get_absolute_url(),
                        due=u.due_on,
                        today=today,
                        about=u,
                    )
                    for u in rows
                ],
            )
        )
    return groups or None
