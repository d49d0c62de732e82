"""Writes for grant closure: start it, reconcile each award, settle unspent money (received, or
written off with a second approval), close the grant (the area then completes), and open a
closed grant for correction. Each checks the permission and the move against
``closure/workflows.py`` under the row lock and writes the activity entry."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import lock
from core.money import pounds
from core.text import require_within
from core.transition import transition
from delivery.models import ProgressReturn, ReturnKind, ReturnStatus
from grants.models import Award
from grants.workflows import PAYABLE_STATUSES, PaymentStatus
from programmes.models import Area, AreaStatus
from programmes.workflows import AREA

from . import permissions as closure_perms
from .models import AwardReconciliation, GrantClosure, UnspentMoney
from .workflows import (
    CLOSURE,
    SETTLED_STATUSES,
    UNSPENT,
    ClosureStatus,
    UnspentStatus,
)

FINAL_REPORT_DUE_DAYS = 42
REASON_CHARS = 1000


def _managers() -> list:
    return list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))


def _area_people(area) -> list:
    return [p for p in [*lead_members(area), relationship_manager(area)] if p is not None]


def paid_on(award) -> Decimal:
    """Money paid out on `award` (payments marked paid)."""
    total = award.payments.filter(status=PaymentStatus.PAID).aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


def closure_blockers(closure: GrantClosure) -> list[str]:
    """Every reason `closure` cannot be closed now (empty: it can): the final report not
    accepted, an award whose spend is not recorded, payments still to pay or cancel, unspent
    money neither returned nor written off."""
    reasons = []
    report = closure.final_report
    if report is None or report.status != ReturnStatus.ACCEPTED:
        reasons.append("The final report has not been accepted yet.")
    for rec in closure.reconciliations.select_related("award").order_by("pk"):
        label = rec.award.get_stage_display()
        if rec.spent is None:
            reasons.append(f"Record what was spent of the {label} award.")
        pending = rec.award.payments.filter(status__in=PAYABLE_STATUSES + ("held",)).count()
        if pending:
            reasons.append(
                f"The {label} award has {pending} payment{'s' if pending != 1 else ''} still to "
                "pay or cancel."
            )
        unspent = getattr(rec, "unspent", None) if hasattr(rec, "unspent") else None
        if unspent is not None and unspent.status not in SETTLED_STATUSES:
            reasons.append(
                f"{pounds(unspent.outstanding)} unspent on the {label} award is not settled "
                f"({unspent.get_status_display().lower()}): it must be returned or written off."
            )
        elif rec.spent is not None and unspent is None and paid_on(rec.award) > rec.spent:
            reasons.append(f"Reconcile the {label} award again: its payments have changed.")
    return reasons


@transaction.atomic
def closure_start(*, area: Area, actor, today: datetime.date | None = None) -> GrantClosure:
    """Start closing the area's grant: the final report (a return of kind "final", due in
    FINAL_REPORT_DUE_DAYS) for the lead organisation to write, and one reconciliation per live
    award. The lead organisation and relationship manager are told."""
    today = today or timezone.localdate()
    require(closure_perms.can_manage_closure(actor))
    locked = lock(area, related=("round",))
    if GrantClosure.objects.filter(area=locked).exists():
        raise ValidationError("This area's grant closure has already started.", code="started")
    awards = list(Award.objects.filter(area=locked, status=Award.Status.LIVE))
    if not awards:
        raise ValidationError("This area has no live award to close.", code="no_award")
    start = today
    while ProgressReturn.objects.filter(area=locked, period_start=start).exists():
        start += datetime.timedelta(days=1)
    report = ProgressReturn.objects.create(
        area=locked,
        kind=ReturnKind.FINAL,
        period_start=start,
        period_end=start,
        due_on=start + datetime.timedelta(days=FINAL_REPORT_DUE_DAYS),
    )
    closure = GrantClosure.objects.create(
        area=locked, final_report=report, started_by=actor, started_at=timezone.now()
    )
    AwardReconciliation.objects.bulk_create(
        [AwardReconciliation(closure=closure, award=a) for a in awards]
    )
    activity_record(
        verb="closure.started",
        summary=f"Grant closure started: final report due {report.due_on:%-d %b %Y}",
        actor=actor,
        area=locked,
        visibility=Visibility.AREA,
        target=closure,
        notify=[p for p in _area_people(locked) if p != actor],
    )
    return closure


@transaction.atomic
def reconciliation_record(
    *,
    reconciliation: AwardReconciliation,
    actor,
    spent: Decimal,
    returned_by: datetime.date | None = None,
    write_off_reason: str = "",
) -> AwardReconciliation:
    """Record what was spent of an award. Money paid and not spent becomes unspent money: to be
    returned by `returned_by`, or (with `write_off_reason`) proposed for writing off, which a
    second programme manager approves."""
    require(closure_perms.can_manage_closure(actor))
    locked = lock(reconciliation, related=("closure", "award", "closure__area"))
    closure = locked.closure
    if closure.status not in (ClosureStatus.CLOSING, ClosureStatus.CORRECTING):
        raise ValidationError("This grant is closed.", code="closed")
    if spent is None or spent < 0:
        raise ValidationError({"spent": "Enter the money spent, in pounds, 0 or more."})
    existing = getattr(locked, "unspent", None) if hasattr(locked, "unspent") else None
    if existing is not None and (
        existing.status != UnspentStatus.TO_RETURN or existing.received_amount
    ):
        raise ValidationError(
            "Unspent money on this award has been received or put up for writing off: settle "
            "it first.",
            code="unspent_started",
        )
    paid = paid_on(locked.award)
    unspent = max(paid - spent, Decimal("0"))
    write_off_reason = (write_off_reason or "").strip()
    require_within(REASON_CHARS, write_off_reason=write_off_reason)
    if unspent and not write_off_reason and returned_by is None:
        raise ValidationError(
            {
                "returned_by": f"{pounds(unspent)} was paid and not spent: say by when it is to be "
                "returned, or give a reason to write it off."
            }
        )
    locked.spent = spent
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save()
    if existing is not None:
        existing.delete()
    if unspent:
        now = timezone.now()
        UnspentMoney.objects.create(
            reconciliation=locked,
            amount=unspent,
            status=UnspentStatus.WRITE_OFF_PROPOSED
            if write_off_reason
            else UnspentStatus.TO_RETURN,
            due_on=returned_by,
            write_off_reason=write_off_reason,
            proposed_by=actor if write_off_reason else None,
            proposed_at=now if write_off_reason else None,
        )
    label = locked.award.get_stage_display()
    summary = f"{label} award reconciled: paid {pounds(paid)}, spent {pounds(spent)}"
    if unspent and write_off_reason:
        summary += f"; {pounds(unspent)} unspent proposed for writing off"
    elif unspent:
        summary += f"; {pounds(unspent)} unspent to be returned by {returned_by:%-d %b %Y}"
    activity_record(
        verb="unspent.write_off_proposed"
        if unspent and write_off_reason
        else ("unspent.to_return" if unspent else "closure.reconciled"),
        summary=summary,
        actor=actor,
        area=closure.area,
        reason=write_off_reason,
        visibility=Visibility.AREA,
        target=locked.unspent if unspent else closure,
        notify=[p for p in _managers() if p != actor]
        if write_off_reason and unspent
        else (list(lead_members(closure.area)) if unspent else ()),
    )
    return locked


@transaction.atomic
def unspent_receive(
    *, unspent: UnspentMoney, actor, amount: Decimal, received_on: datetime.date
) -> UnspentMoney:
    """Record money received back. When all of it is in, the unspent money is returned."""
    require(closure_perms.can_receive_unspent(actor))
    locked = lock(unspent, related=("reconciliation__closure__area",))
    area = locked.reconciliation.closure.area
    refused = UNSPENT.refusal(locked, UnspentStatus.RETURNED, actor)
    if refused is not None:
        raise refused
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount received, in pounds."})
    if amount > locked.outstanding:
        raise ValidationError(
            {"amount": f"Only {pounds(locked.outstanding)} is still to be returned."}
        )
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": "Enter the day the money arrived, not after today."})
    received = locked.received_amount + amount
    changes = {"received_amount": received, "received_on": received_on, "received_by": actor}
    summary = f"{pounds(amount)} of unspent grant money received on {received_on:%-d %b %Y}"
    if received < locked.amount:
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        activity_record(
            verb="unspent.received",
            summary=summary + f"; {pounds(locked.outstanding)} still to come",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=locked,
        )
        unspent.refresh_from_db()
        return unspent
    return transition(
        unspent,
        UnspentStatus.RETURNED,
        workflow=UNSPENT,
        locked=locked,
        actor=actor,
        verb="unspent.returned",
        summary=summary + ": all returned",
        area=area,
        visibility=Visibility.AREA,
        changes=changes,
        notify=[p for p in lead_members(area) if p != actor],
    )


@transaction.atomic
def unspent_propose_write_off(*, unspent: UnspentMoney, actor, reason: str) -> UnspentMoney:
    """Propose writing off what is still to be returned, with a reason; a second programme
    manager or admin approves it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the money should be written off."})
    require_within(REASON_CHARS, reason=reason)
    locked = lock(unspent, related=("reconciliation__closure__area",))
    area = locked.reconciliation.closure.area
    return transition(
        unspent,
        UnspentStatus.WRITE_OFF_PROPOSED,
        workflow=UNSPENT,
        locked=locked,
        actor=actor,
        verb="unspent.write_off_proposed",
        summary=f"Write-off of {pounds(locked.outstanding)} unspent proposed",
        area=area,
        reason=reason,
        changes={"write_off_reason": reason, "proposed_by": actor, "proposed_at": timezone.now()},
        notify=[p for p in _managers() if p != actor],
    )


@transaction.atomic
def unspent_decide_write_off(*, unspent: UnspentMoney, actor, approve: bool) -> UnspentMoney:
    """A second programme manager or admin approves the write-off (never the person who proposed
    it) or refuses it, when the money is to be returned after all."""
    locked = lock(unspent, related=("reconciliation__closure__area",))
    area = locked.reconciliation.closure.area
    to = UnspentStatus.WRITTEN_OFF if approve else UnspentStatus.TO_RETURN
    changes = (
        {"approved_by": actor, "approved_at": timezone.now()}
        if approve
        else {"proposed_by": None, "proposed_at": None, "write_off_reason": ""}
    )
    return transition(
        unspent,
        to,
        workflow=UNSPENT,
        locked=locked,
        actor=actor,
        verb="unspent.written_off" if approve else "unspent.write_off_refused",
        summary=(
            f"Write-off of {pounds(locked.outstanding)} unspent approved"
            if approve
            else f"Write-off of {pounds(locked.outstanding)} refused: the money is to be returned"
        ),
        area=area,
        changes=changes,
        notify=[locked.proposed_by]
        if locked.proposed_by_id and locked.proposed_by != actor
        else (),
        unspent=locked,
        approver=actor,
    )


@transaction.atomic
def closure_close(*, closure: GrantClosure, actor) -> GrantClosure:
    """Close the grant: refused, with every reason, while anything is unreconciled. The awards'
    figures are frozen; an active area moves to "completed" (an area that left stays left);
    the area's records become read-only."""
    locked = lock(closure, related=("area", "final_report"), of=("self",))
    again = locked.status == ClosureStatus.CORRECTING
    now = timezone.now()

    def freeze(locked):
        for rec in locked.reconciliations.select_related("award"):
            rec.awarded = rec.award.amount
            rec.paid = paid_on(rec.award)
            rec.save(update_fields=["awarded", "paid"])
        return {"closed_by": actor, "closed_at": now}

    transition(
        closure,
        ClosureStatus.CLOSED,
        workflow=CLOSURE,
        locked=locked,
        actor=actor,
        verb="closure.closed",
        summary="Grant closed again after a correction" if again else "Grant closed",
        area=locked.area,
        visibility=Visibility.AREA,
        changes=freeze,
        notify=[p for p in _area_people(locked.area) if p != actor],
        closure=locked,
    )
    area = lock(locked.area)
    if area.status == AreaStatus.ACTIVE:
        transition(
            area,
            AreaStatus.COMPLETED,
            workflow=AREA,
            locked=area,
            actor=actor,
            verb="area.moved",
            summary="Completed the programme: its grant is closed",
            area=area,
            visibility=Visibility.AREA,
            closure=locked,
        )
    closure.area.status = area.status
    return closure


@transaction.atomic
def closure_open_correction(*, closure: GrantClosure, actor, reason: str) -> GrantClosure:
    """Open a closed grant for a correction, with a reason: programme managers and admins may
    then change the area's records until the grant is closed again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what needs correcting."})
    require_within(REASON_CHARS, reason=reason)
    return transition(
        closure,
        ClosureStatus.CORRECTING,
        workflow=CLOSURE,
        actor=actor,
        verb="closure.correction_opened",
        summary="Closed grant opened for a correction",
        area=lambda locked: locked.area,
        reason=reason,
        visibility=Visibility.AREA,
        related=("area",),
        changes={"correction_reason": reason},
    )
