"""Reads for grant closure, shaped for their pages (fixed queries whatever the data)."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from grants.models import Award, Payment
from grants.workflows import PaymentStatus

from .models import AwardReconciliation, GrantClosure, UnspentMoney
from .workflows import OPEN_STATUSES

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _paid_subquery(award_ref: str):
    return Coalesce(
        Subquery(
            Payment.objects.filter(award=OuterRef(award_ref), status=PaymentStatus.PAID)
            .values("award")
            .annotate(t=Sum("amount"))
            .values("t")[:1]
        ),
        ZERO,
    )


def closure_for_area(area) -> GrantClosure | None:
    return (
        GrantClosure.objects.filter(area=area)
        .select_related("final_report", "started_by", "closed_by", "area")
        .first()
    )


def reconciliations(closure) -> list[AwardReconciliation]:
    """The closure's awards with their paid money (``paid_now``) and unspent money."""
    return list(
        AwardReconciliation.objects.filter(closure=closure)
        .select_related("award", "recorded_by", "unspent", "unspent__received_by")
        .select_related("unspent__proposed_by", "unspent__approved_by")
        .annotate(paid_now=_paid_subquery("award"))
        .order_by("award__awarded_on", "pk")
    )


def closure_list(*, status: str = ""):
    qs = GrantClosure.objects.select_related("area", "final_report").order_by(
        "status", "-started_at", "pk"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def open_closures():
    return closure_list().filter(status__in=OPEN_STATUSES)


def unspent_to_receive():
    return (
        UnspentMoney.objects.filter(status="to_return")
        .select_related("reconciliation__award", "reconciliation__closure__area")
        .order_by("due_on", "pk")
    )


def write_offs_to_approve(user):
    return (
        UnspentMoney.objects.filter(status="write_off_proposed")
        .exclude(proposed_by=user)
        .select_related("reconciliation__award", "reconciliation__closure__area")
        .order_by("proposed_at", "pk")
    )


def closure_report_awards(round_):
    """One row per award of the round (cancelled awards aside), with its reconciliation: the
    round's closure report."""
    return (
        Award.objects.filter(area__round=round_)
        .filter(~Q(status=Award.Status.CANCELLED))
        .select_related("area", "reconciliation", "reconciliation__closure")
        .select_related("reconciliation__unspent")
        .annotate(paid_now=_paid_subquery("pk"))
        .order_by("area__reference", "awarded_on", "pk")
    )
