"""Demo grant closures in every state (closure app): one closing with its final report still
to write, one with £500 unspent to be returned, one with a write-off awaiting a second
approval, and one closed, its area "Completed". Areas led by the demo's lead users are left
alone, so their pages stay open for the other demos."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from closure import services
from closure.models import GrantClosure
from delivery import services as delivery_services
from grants.models import Payment
from grants.payment_moves import payment_cancel
from grants.workflows import PAYABLE_STATUSES
from programmes.models import Area, AreaStage, AreaStatus


def _areas(count: int) -> list[Area]:
    """Areas whose grants can close without taking another demo's example away: not led by the
    demo's lead users, and with no payment awaiting its second approval or scheduled again
    (the finance list's four-eyes examples) and no variation (each variation state's page)."""
    lead_orgs = set()
    for user in User.objects.filter(username__in=["lead", "lead2"]):
        lead_orgs |= set(user.memberships.values_list("organisation_id", flat=True))
    return list(
        Area.objects.filter(status=AreaStatus.ACTIVE, stage=AreaStage.IMPLEMENTATION)
        .exclude(lead_organisation_id__in=lead_orgs)
        .filter(awards__status="live", awards__payments__status="paid")
        .exclude(awards__payments__status=Payment.Status.APPROVED_ONCE)
        .exclude(awards__payments__rescheduled_reason__gt="")
        .exclude(awards__variations__isnull=False)
        .distinct()
        .order_by("-reference")[:count]
    )


def _settle_payments(area, pm):
    for payment in Payment.objects.filter(
        award__area=area, status__in=(*PAYABLE_STATUSES, "held")
    ).order_by("pk"):
        payment_cancel(
            payment=payment,
            actor=pm,
            reason="Not needed: the area's work is done and its grant is closing.",
        )


def _final_report(closure, pm, *, spent):
    report = closure.final_report
    delivery_services.return_save(
        progress_return=report,
        actor=pm,
        progress_status="on_schedule",
        achievements="The neighbourhood forum now meets monthly with the council and NHS.",
        service_users_reached=240,
        factors=[{"factor": "residents", "kind": "enabler", "other_text": ""}],
        final={
            "outcomes_achieved": "Residents co-designed the new advice service; 240 people used it.",
            "spent": spent,
            "spend_explained": "Staff time and venue hire; some events cost less than planned.",
            "lessons": "Start the partnership board earlier.",
        },
    )
    delivery_services.return_submit(progress_return=report, actor=pm, today=timezone.localdate())
    delivery_services.return_review(
        progress_return=report, actor=pm, decision="accepted", note="", comments={}
    )


def load(ctx=None):
    if GrantClosure.objects.exists():
        return ctx
    pm = User.objects.filter(username="pm").first()
    admin = User.objects.filter(username="admin").first()
    if pm is None or admin is None:
        return ctx
    areas = _areas(4)
    if len(areas) < 4:
        return ctx
    today = timezone.localdate()
    states = ["closing", "to_return", "write_off", "closed"]
    for area, state in zip(areas, states, strict=True):
        closure = services.closure_start(area=area, actor=pm, today=today)
        if state == "closing":
            continue
        _settle_payments(area, pm)
        recs = list(closure.reconciliations.select_related("award").order_by("pk"))
        paid = [services.paid_on(r.award) for r in recs]
        unspent = Decimal("500.00") if state != "closed" else Decimal("0")
        _final_report(closure, pm, spent=sum(paid) - unspent)
        for index, (rec, paid_here) in enumerate(zip(recs, paid, strict=True)):
            last = index == len(recs) - 1
            services.reconciliation_record(
                reconciliation=rec,
                actor=pm,
                spent=paid_here - (unspent if last else 0),
                returned_by=today + datetime.timedelta(days=28) if state == "to_return" else None,
                write_off_reason="The venue refunded a deposit the group had already spent on "
                "a replacement; recovering it would cost more than it is worth."
                if state == "write_off" and last
                else "",
            )
        if state == "closed":
            closure.refresh_from_db()
            services.closure_close(closure=closure, actor=admin)
    return ctx
