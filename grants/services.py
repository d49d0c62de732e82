"""Writes for awards and payments.

Every status change is one service here: atomic, row-locked (award first, then payment, always in
that order so two services never deadlock), checked against the payment workflow (``grants/workflows.py``) and
``grants/permissions.py``, and recorded in the activity trail with AREA visibility so the lead
organisation sees its own money.

``Award.total_scheduled`` (the sum of the award's payments that are not cancelled) is kept here
under the award lock; a database check constraint refuses any write that would let it exceed the
award, so "payments never exceed the award" holds even if a bug slips past the service check.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.money import pounds
from core.text import require_within
from core.transition import transition
from programmes.models import Stage, StageDefinition

from . import permissions as grant_perms
from . import selectors as grant_selectors
from .budgets.services import budget_check, budget_override_use
from .holds import award_holds_require, award_made
from .models import FINAL_PLAN_SUBMITTED, MANAGER_RELEASE, Award, Payment, ReleaseCondition
from .offers.services import offer_issue, offer_require_accepted  # noqa: F401  (views ask it)
from .payment_moves import (  # noqa: F401  (the payment moves, under the names callers use)
    _copy_back,
    _lock,
    payment_approve,
    payment_approve_preview,
    payment_cancel,
    payment_date_check,
    payment_pay,
    payment_pay_preview,
)
from .summaries import award_summary, retention_summary
from .workflows import AWARD, PAYMENT, payment_context

PENNY = Decimal("0.01")
# Imported records are history: the money they describe went out under the old system, so their
# payments are recorded as paid on the record's own date rather than left "payable now".
IMPORTED_PAYMENT_REFERENCE = "Paid before Our Place (imported record)"
# What a stage's held-back share waits for. Stages awarded before the operational plan wait for the
# final plan; Making it Happen, awarded after sign-off, waits for a programme manager's release
# after the first year.
RELEASE_CONDITION_FOR_STAGE = {Stage.MAKING_IT_HAPPEN: MANAGER_RELEASE}
AWARDABLE_STAGES = {
    Stage.GETTING_READY,
    Stage.GETTING_GOING,
    Stage.GOING_FURTHER,
    Stage.BREAKING_NEW_GROUND,
    Stage.MAKING_IT_HAPPEN,
}


def split_schedule(*, amount: Decimal, advance_share_pct: Decimal) -> tuple[Decimal, Decimal]:
    """Split an award into (advance, retention) so the two add up to the award exactly: the
    advance is rounded to the penny (half up) and the retention is whatever remains."""
    amount = Decimal(amount).quantize(PENNY)
    advance = (amount * Decimal(advance_share_pct) / Decimal(100)).quantize(
        PENNY, rounding=ROUND_HALF_UP
    )
    return advance, amount - advance


def _payment_create(
    *,
    award: Award,
    kind: str,
    amount: Decimal,
    status: str,
    release_condition: str = "",
    due_on: date | None = None,
    paid_on: date | None = None,
    reference: str = "",
) -> Payment:
    """Add a payment to an award whose row the caller holds locked, keeping total_scheduled."""
    amount = Decimal(amount).quantize(PENNY)
    if amount <= 0:
        raise ValidationError({"amount": "A payment must be more than £0.00."})
    new_total = award.total_scheduled + amount
    if new_total > award.amount:
        room = award.amount - award.total_scheduled
        raise ValidationError(
            {
                "amount": f"Payments cannot exceed the award of {pounds(award.amount)}: "
                f"{pounds(room)} is left to schedule."
            }
        )
    payment = Payment.objects.create(
        award=award,
        kind=kind,
        amount=amount,
        status=status,
        release_condition=release_condition,
        due_on=due_on,
        paid_on=paid_on,
        reference=reference,
    )
    award.total_scheduled = new_total
    award.save(update_fields=["total_scheduled", "updated_at"])
    return payment


def _stage_definition(*, area, stage: str, amount: Decimal) -> StageDefinition:
    """The round's definition of `stage`, once `amount` is known to sit within its grant range."""
    if stage not in AWARDABLE_STAGES:
        raise ValidationError({"stage": "Grants are only awarded for a funded stage."})
    try:
        definition = StageDefinition.objects.get(round_id=area.round_id, stage=stage)
    except StageDefinition.DoesNotExist:
        raise ValidationError(
            {"stage": f"{area.round} has no {Stage(stage).label} stage, so it has no grant."}
        ) from None
    if not definition.grant_min <= amount <= definition.grant_max:
        if definition.is_fixed_amount:
            message = (
                f"The {Stage(stage).label} grant in {area.round} is "
                f"{pounds(definition.grant_min)}; {pounds(amount)} was entered."
            )
        else:
            message = (
                f"The {Stage(stage).label} grant in {area.round} must be between "
                f"{pounds(definition.grant_min)} and {pounds(definition.grant_max)}; "
                f"{pounds(amount)} was entered."
            )
        raise ValidationError({"amount": message})
    if amount <= 0:
        raise ValidationError({"amount": "An award must be more than £0.00."})
    return definition


def _award_create(*, area, stage: str, amount: Decimal, awarded_on, actor, reason, imported):
    already = ValidationError(
        {"stage": f"{area.reference} already has a live {Stage(stage).label} award."}
    )
    if Award.objects.filter(area=area, stage=stage).exclude(status=Award.Status.CANCELLED).exists():
        raise already
    try:
        with transaction.atomic():
            return Award.objects.create(
                area=area,
                stage=stage,
                amount=amount,
                awarded_on=awarded_on,
                awarded_by=actor if getattr(actor, "pk", None) else None,
                reason=reason,
                imported=imported,
            )
    except IntegrityError:
        # A concurrent award for the same area and stage won the race.
        raise already from None


def _schedule_create(
    *, award: Award, advance: Decimal, retention: Decimal, condition: str, imported: bool
) -> None:
    """The award's advance (due now, or already paid for imported history) and its held-back
    retention."""
    if advance > 0:
        _payment_create(
            award=award,
            kind=Payment.Kind.ADVANCE,
            amount=advance,
            due_on=award.awarded_on,
            **(
                {
                    "status": Payment.Status.PAID,
                    "paid_on": award.awarded_on,
                    "reference": IMPORTED_PAYMENT_REFERENCE,
                }
                if imported
                else {"status": Payment.Status.SCHEDULED}
            ),
        )
    if retention > 0:
        _payment_create(
            award=award,
            kind=Payment.Kind.RETENTION,
            amount=retention,
            status=Payment.Status.HELD,
            release_condition=condition,
        )


@transaction.atomic
def award_grant(
    *,
    area,
    stage: str,
    amount: Decimal,
    actor,
    occurred_at=None,
    imported: bool = False,
    reason: str = "",
    budget_override_reason: str = "",
) -> Award:
    """Award an area a grant for a stage and build its payment schedule.

    The amount must sit within the round's range for the stage. The schedule follows the stage's
    advance share: an advance payment due now and, when the share is under 100%, a retention held
    back until its release condition (``RELEASE_CONDITION_FOR_STAGE``: the final operational plan,
    or a programme manager's release for Making it Happen). One live award per area and stage.

    An imported award is history: its advance is recorded as paid on the award date (see
    ``IMPORTED_PAYMENT_REFERENCE``) so old rounds never show as money payable now.

    An award beyond the round's budget is refused unless a programme manager overrides it
    (grants/budgets); every award is issued a grant offer to accept (grants/offers).
    """
    require(grant_perms.can_award(actor, imported=imported))
    amount = Decimal(amount).quantize(PENNY)
    definition = _stage_definition(area=area, stage=stage, amount=amount)
    award_holds_require(area=area, stage=stage, amount=amount, imported=imported)
    when = occurred_at or timezone.now()
    awarded_on = timezone.localdate(when) if timezone.is_aware(when) else when.date()
    # -- budgets (grants/budgets) --
    override = budget_check(
        area=area,
        stage=stage,
        amount=amount,
        awarded_on=awarded_on,
        actor=actor,
        override_reason=budget_override_reason,
        imported=imported,
    )
    award = _award_create(
        area=area,
        stage=stage,
        amount=amount,
        awarded_on=awarded_on,
        actor=actor,
        reason=reason,
        imported=imported,
    )
    budget_override_use(override=override, award=award, actor=actor)
    share = definition.advance_share_pct
    advance, retention = split_schedule(amount=amount, advance_share_pct=share)
    condition = RELEASE_CONDITION_FOR_STAGE.get(stage, FINAL_PLAN_SUBMITTED)
    _schedule_create(
        award=award, advance=advance, retention=retention, condition=condition, imported=imported
    )
    activity_record(
        verb="grant.awarded",
        summary=award_summary(
            stage=stage,
            amount=amount,
            advance=advance,
            retention=retention,
            condition=condition,
            awarded_on=awarded_on,
            imported=imported,
        ),
        actor=actor,
        area=area,
        reason=reason,
        visibility=Visibility.AREA,
        target=award,
        occurred_at=occurred_at,
        imported=imported,
        data={"stage": stage, "amount": str(amount), "advance": str(advance)},
    )
    award_made(award, actor=actor, occurred_at=occurred_at, imported=imported)  # holds' records
    # -- offers (grants/offers): issued once the schedule exists, so the letter shows it --
    offer_issue(award=award, actor=actor, occurred_at=occurred_at, imported=imported)
    return award


@transaction.atomic
def retention_release(
    *,
    area,
    condition: str = FINAL_PLAN_SUBMITTED,
    actor,
    occurred_at=None,
    imported: bool = False,
) -> list[Payment]:
    """Make the area's held payments payable now that ``condition`` is met.

    Called by the decision services (e.g. when the final operational plan is submitted). It runs
    exactly once: the held rows are locked, and a second call, even a concurrent one, finds no
    held payments and returns [] without writing anything. For an imported record the released
    money is history too, so it is recorded as paid on the release date.
    """
    if condition not in ReleaseCondition.values or not condition:
        raise ValidationError({"condition": f"Unknown release condition {condition!r}."})
    held = list(
        Payment.objects.select_for_update(of=("self",))
        .filter(
            award__area=area,
            award__status=Award.Status.LIVE,
            status=Payment.Status.HELD,
            release_condition=condition,
        )
        .select_related("award")
        .order_by("id")
    )
    if not held:
        return []
    now = occurred_at or timezone.now()
    released = []
    due_on = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    for payment in held:
        transition(
            payment,
            Payment.Status.SCHEDULED,
            workflow=PAYMENT,
            locked=payment,
            actor=actor,
            recorded_with="grant.retention_released",
            changes={"released_at": now, "due_on": due_on},
        )
        if imported:
            # Imported history: the old records say the released money was paid that day.
            payment.status = Payment.Status.PAID
            payment.paid_on = due_on
            payment.reference = IMPORTED_PAYMENT_REFERENCE
            payment.save(update_fields=["status", "paid_on", "reference", "updated_at"])
        released.append(payment)
    activity_record(
        verb="grant.retention_released",
        summary=retention_summary(released=released, condition=condition, imported=imported),
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        data={"payments": [p.pk for p in released], "condition": condition},
    )
    return released


# The release note's box on the award page holds this much (maxlength); the service says so too.
RELEASE_REASON_CHARS = 500


@transaction.atomic
def retention_release_by_manager(
    *, payment: Payment, actor, reason: str = "", occurred_at=None
) -> Payment:
    """Release a held payment whose condition is a programme manager's decision (Making it
    Happen's balance after the first year). Refused for payments another event releases, and
    for one already released, so it happens once."""
    require(grant_perms.can_manage_payments(actor))
    require_within(RELEASE_REASON_CHARS, reason=reason)
    award, locked = _lock(payment)
    if locked.status != Payment.Status.HELD:
        raise ValidationError(
            f"This payment is {locked.get_status_display().lower()}, not held back, so there is "
            "nothing to release."
        )
    if locked.release_condition != MANAGER_RELEASE:
        raise ValidationError(
            "This payment is released automatically when its condition is met: "
            f"{locked.get_release_condition_display().lower()}."
        )
    if award.status != Award.Status.LIVE:
        raise ValidationError("The award has been cancelled, so its payments cannot be released.")
    now = occurred_at or timezone.now()
    transition(
        payment,
        Payment.Status.SCHEDULED,
        workflow=PAYMENT,
        locked=locked,
        actor=actor,
        verb="grant.retention_released",
        summary=f"Retention of {pounds(locked.amount)} released by a programme manager",
        area=award.area,
        reason=(reason or "").strip(),
        visibility=Visibility.AREA,
        data={"payments": [locked.pk], "condition": MANAGER_RELEASE},
        occurred_at=now,
        changes={"released_at": now, "due_on": timezone.localdate(now)},
    )
    return _copy_back(payment, locked)


def _cancel_locked(*, award: Award, locked: Payment, reason: str, actor) -> None:
    """Cancel a payment of an award being cancelled, under both locks, through the payment's own
    cancel move (its rules, and the notifications it closes resolved: grants/workflows.py), as
    part of the award's cancellation, whose entry is the record."""
    transition(
        locked,
        Payment.Status.CANCELLED,
        workflow=PAYMENT,
        locked=locked,
        actor=actor,
        recorded_with="grant.cancelled",
        changes={"cancelled_reason": reason},
        check_context=lambda locked: payment_context(locked, actor),
    )
    award.total_scheduled -= locked.amount
    award.save(update_fields=["total_scheduled", "updated_at"])


def reschedule_reason_required(cancelled: list[Payment]) -> str:
    """What the person scheduling is asked when the award has payments cancelled after approval
    ("" when it has none)."""
    if not cancelled:
        return ""
    latest = cancelled[0]
    more = f" (and {len(cancelled) - 1} more)" if len(cancelled) > 1 else ""
    return (
        f"This award has a payment cancelled after it was approved: {pounds(latest.amount)}, "
        f"cancelled because “{latest.cancelled_reason}”{more}. Say why money is being scheduled "
        "on it again."
    )


@transaction.atomic
def payment_add(
    *,
    award: Award,
    amount: Decimal,
    actor,
    kind: str = Payment.Kind.INSTALMENT,
    due_on: date | None = None,
    reason: str = "",
) -> Payment:
    """Add an instalment to a live award's schedule (e.g. after a cancelled payment is re-issued).
    Refused when the award's payments would exceed the award. On an award with a payment cancelled
    after it was approved, a reason is required: it is stored on the payment
    (``rescheduled_reason``, shown on the finance list) and in the activity entry."""
    require(grant_perms.can_manage_payments(actor))
    locked = lock(award, related=("area",))
    if locked.status != Award.Status.LIVE:
        raise ValidationError("Payments can only be added to a live award.")
    reason = (reason or "").strip()
    cancelled = grant_selectors.award_cancelled_after_approval(award=locked)
    if cancelled and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    reschedule_reason_required(cancelled), code="reschedule_reason_required"
                )
            }
        )
    payment = _payment_create(
        award=locked, kind=kind, amount=amount, status=Payment.Status.SCHEDULED, due_on=due_on
    )
    # Four eyes: whoever schedules a payment by hand does not approve it.
    payment.scheduled_by = actor
    payment.rescheduled_reason = reason if cancelled else ""
    payment.save(update_fields=["scheduled_by", "rescheduled_reason"])
    copy_back(award, locked)
    activity_record(
        verb="payment.scheduled",
        summary=f"{payment.get_kind_display()} payment of {pounds(payment.amount)} scheduled"
        + (" after a payment was cancelled after approval" if cancelled else ""),
        actor=actor,
        area=locked.area,
        reason=reason,
        visibility=Visibility.AREA,
        target=payment,
        data={"after_cancelled": [p.pk for p in cancelled]} if cancelled else {},
    )
    return payment


@transaction.atomic
def award_cancel(*, award: Award, actor, reason: str) -> Award:
    """Cancel an award and every payment of it not yet paid. Payments already made stay on
    record (recovering them is outside the system). The award is locked before its payments
    (core.locking's lock order)."""
    require(grant_perms.can_cancel_award(actor, award))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the award is being cancelled."})
    locked = lock(award, related=("area",))
    if locked.status == Award.Status.CANCELLED:
        raise ValidationError("This award is already cancelled.")
    cancelled = []

    def payments_cancelled(locked):
        # Every payment the workflow lets a manager cancel (not paid, not cancelled already).
        cancellable = [s for s in PAYMENT.states if PAYMENT.move(s, Payment.Status.CANCELLED)]
        cancelled.extend(
            Payment.objects.select_for_update()
            .filter(award=locked, status__in=cancellable)
            .order_by("id")
        )
        for payment in cancelled:
            _cancel_locked(award=locked, locked=payment, reason=reason, actor=actor)
        return {"cancelled_reason": reason}

    return transition(
        award,
        Award.Status.CANCELLED,
        workflow=AWARD,
        locked=locked,
        actor=actor,
        verb="grant.cancelled",
        summary=f"{locked.get_stage_display()} grant of {pounds(locked.amount)} cancelled",
        area=locked.area,
        reason=reason,
        visibility=Visibility.AREA,
        data=lambda locked: {"payments_cancelled": [p.pk for p in cancelled]},
        changes=payments_cancelled,
        relations=("area",),
    )
