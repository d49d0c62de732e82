"""An area leaving the programme (it withdrew, or the programme decided it will not progress)
and coming back (reinstated, e.g. after a decision recorded by mistake): the AREA workflow's
moves, made by programme managers with reasons."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from core.locking import lock
from core.transition import transition
from programmes.models import Area, AreaStatus
from programmes.workflows import AREA

from ..models import GateApplication, GateStatus
from .gates import gate_withdraw

LEAVING_OUTCOMES = {
    AreaStatus.WITHDRAWN: "Withdrew from the programme",
    AreaStatus.NOT_PROGRESSED: "Did not progress",
}
OPEN_GATE_STATUSES = [GateStatus.DRAFT, GateStatus.SUBMITTED]


def area_people(area) -> list:
    return [p for p in [*lead_members(area), relationship_manager(area)] if p is not None]


def area_leaving_effects(area) -> dict:
    """What recording that the area has left would do: the stage-gate applications still open
    (withdrawn with it) and the payments not yet made (cancelled). Shown before the manager
    confirms, and done by ``area_leave``."""
    from grants.models import Award, Payment

    return {
        "gates": list(
            GateApplication.objects.filter(area=area, status__in=OPEN_GATE_STATUSES).order_by("id")
        ),
        "payments": list(
            Payment.objects.filter(award__area=area, award__status=Award.Status.LIVE)
            .exclude(status__in=[Payment.Status.PAID, Payment.Status.CANCELLED])
            .select_related("award")
            .order_by("id")
        ),
    }


@dataclass
class LeaveResult:
    area: Area
    gates_withdrawn: list = field(default_factory=list)
    payments_cancelled: list = field(default_factory=list)

    @property
    def money_cancelled(self) -> Decimal:
        return sum((p.amount for p in self.payments_cancelled), Decimal("0"))


@transaction.atomic
def area_leave(
    *, area, outcome: str, reasons: str, actor, occurred_at=None, imported: bool = False
) -> LeaveResult:
    """Record that an area has left the programme: it withdrew, or the programme decided it will
    not progress. Open stage-gate applications are withdrawn and every payment not yet made is
    cancelled (payments already made stay on record); the lead organisation and relationship
    manager are told. All or nothing."""
    from grants.services import payment_cancel

    if outcome not in LEAVING_OUTCOMES:
        raise ValidationError({"outcome": "Choose withdrawn or did not progress."})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the area is leaving the programme."})
    # Gates before the area, the order gate_approve and gate_reject take them in, so the two
    # never deadlock.
    list(
        GateApplication.objects.select_for_update()
        .filter(area=area, status__in=OPEN_GATE_STATUSES)
        .order_by("id")
    )
    locked = lock(area, related=("round",))
    AREA.check(locked, outcome, actor)
    result = LeaveResult(area=locked)
    effects = area_leaving_effects(locked)
    history = {"occurred_at": occurred_at, "imported": imported}
    for gate in effects["gates"]:
        result.gates_withdrawn.append(
            gate_withdraw(gate=gate, actor=actor, reason=reasons, **history)
        )
    label = AreaStatus(outcome).label.lower()
    for payment in effects["payments"]:
        result.payments_cancelled.append(
            payment_cancel(
                payment=payment,
                actor=actor,
                reason=f"The area {label}: {reasons}",
                occurred_at=occurred_at,
            )
        )
    transition(
        locked,
        outcome,
        workflow=AREA,
        locked=locked,
        actor=actor,
        verb="area.moved",
        summary=LEAVING_OUTCOMES[outcome],
        area=locked,
        reason=reasons,
        visibility=Visibility.AREA,
        notify=area_people(locked),
        **history,
    )
    area.status = locked.status
    result.area = area
    return result


@transaction.atomic
def area_reinstate(*, area, reasons: str, actor, occurred_at=None) -> Area:
    """Undo a withdrawal or a did-not-progress decision (e.g. one recorded by mistake). Payments
    cancelled when the area left stay cancelled: a programme manager schedules what is owed again
    on the award."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the area is being reinstated."})
    locked = lock(area, related=("round",))
    AREA.check(locked, AreaStatus.ACTIVE, actor)
    transition(
        locked,
        AreaStatus.ACTIVE,
        workflow=AREA,
        locked=locked,
        actor=actor,
        verb="area.moved",
        summary=f"Reinstated in the programme at {locked.get_stage_display()}",
        area=locked,
        reason=reasons,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        notify=area_people(locked),
    )
    area.status = locked.status
    return area
