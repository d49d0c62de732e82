"""The payment moves a person makes (approve, pay, cancel), each through ``core.transition``,
under the award's lock then the payment's (core.locking's lock order): the rest of the money's
writes are in grants/services.py, which offers these under the same names."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from core.errors import message_for, require
from core.locking import copy_back, lock
from core.money import pounds
from core.transition import transition
from core.validators import require_single_line
from core.workflow import MoveRefused
from grants.holds import paid_changes
from programmes.models import Round

from . import permissions as grant_perms
from . import selectors as grant_selectors
from .models import Award, Payment
from .offers.services import offer_require_accepted
from .workflows import (
    PAYMENT,
    approval_target,
    award_total_with,
    payment_context,
    second_approval_over,
)


def _lock(payment: Payment) -> tuple[Award, Payment]:
    """Lock the payment's award, then the payment: always in that order, so two services never
    deadlock. The award's round and programme come too (unlocked), for the four-eyes threshold,
    and so does the award's money that counts towards four eyes, read once the award is locked:
    a concurrent approval of another payment of the same award has committed by then, so its
    money is counted (four eyes on the award, grants/workflows.py)."""
    award = lock(payment.award, related=("area",))
    award.area.round = Round.objects.select_related("programme").get(pk=award.area.round_id)
    locked = lock(payment)
    locked.award = award
    locked.award_approved_other = grant_selectors.award_approved_other(payment=locked)
    return award, locked


def _copy_back(payment: Payment, locked: Payment) -> Payment:
    """copy_back, with the award and its four-eyes money the service read under the lock."""
    copy_back(payment, locked, relations=("award",))
    payment.award_approved_other = locked.award_approved_other
    return payment


AWARD_CANCELLED_NOT_APPROVED = "The award has been cancelled, so its payments cannot be approved."


@dataclass(frozen=True)
class ApprovalPreview:
    """What approving a payment would do for one person now, or why it would be refused.
    ``refusal`` is the exception ``payment_approve`` raises for the same reason (a
    PermissionDenied, a MoveRefused, or a ValidationError); ``figures`` say where the approval
    takes the payment (``target``) and, when it needs a second approver, the award's total with it
    and the programme's threshold."""

    allowed: bool
    reason: str = ""
    figures: dict = field(default_factory=dict)
    refusal: Exception | None = None


def _refused(exc: Exception) -> ApprovalPreview:
    reason = exc.reason if isinstance(exc, MoveRefused) else message_for(exc)
    return ApprovalPreview(False, reason, refusal=exc)


_UNREAD = object()


def payment_approve_preview(payment: Payment, actor) -> ApprovalPreview:
    """The rules ``payment_approve`` applies, in its order, without writing: may this person
    approve payments at all; does the workflow let them make this approval (four eyes, first or
    second: grants/workflows.py); has the award's current offer been accepted; is the award live.
    The confirmation page asks it before showing the figures, and the service asks it again under
    the locks, so both refuse for the same reason."""
    allowed, reason = grant_perms.can_approve_payments(actor)
    if not allowed:
        return _refused(PermissionDenied(reason))
    target = approval_target(payment)
    refused = PAYMENT.refusal(payment, target, actor, **payment_context(payment, actor))
    if refused is not None:
        return _refused(refused)
    award = payment.award
    try:
        # -- offers (grants/offers): no approval before acceptance (read now, unless a page
        # previewing many payments annotated each with its award's current offer).
        preloaded = getattr(payment, "current_offer_status", _UNREAD)
        current = None
        if preloaded is not _UNREAD:
            current = (preloaded, getattr(payment, "current_offer_version", None))
        offer_require_accepted(award, current=current)
    except ValidationError as exc:
        return _refused(exc)
    if award.status != Award.Status.LIVE:
        return _refused(ValidationError(AWARD_CANCELLED_NOT_APPROVED))
    figures = {"target": target}
    if payment.status == Payment.Status.SCHEDULED and target == Payment.Status.APPROVED_ONCE:
        figures.update(
            award_total=award_total_with(payment), threshold=second_approval_over(payment)
        )
    return ApprovalPreview(True, figures=figures)


@transaction.atomic
def payment_approve(*, payment: Payment, actor, occurred_at=None) -> Payment:
    """Approve a payment for the next payment run, under four eyes (grants/workflows.py): the
    approver did not schedule it; when it takes its award's approved, paid or approved-then-
    cancelled money over the programme's threshold, the first approval leaves it awaiting a
    second, different approver. Records who and when (``occurred_at`` backdates it, for the
    demo's history). Two approvers at once: the award's row lock makes the second see the first's
    approval, so a payment gets exactly one first and one second approval, and two halves of
    the same money approved at once cannot both pass under the threshold. What it refuses is
    ``payment_approve_preview``'s refusal, asked under the locks."""
    require(grant_perms.can_approve_payments(actor))
    award, locked = _lock(payment)
    preview = payment_approve_preview(locked, actor)
    if preview.refusal is not None:
        raise preview.refusal
    target = preview.figures["target"]
    when = occurred_at or timezone.now()
    what = f"{locked.get_kind_display()} payment of {pounds(locked.amount)}"
    data = {}
    if locked.status == Payment.Status.APPROVED_ONCE:
        verb, summary = "payment.second_approved", f"{what} approved (second approval)"
        changes = {"second_approved_by": actor, "second_approved_at": when}
    elif target == Payment.Status.APPROVED_ONCE:
        verb, summary = "payment.approved", f"{what} approved once: a second approver is needed"
        data = {
            "award_total": str(preview.figures["award_total"]),
            "threshold": str(preview.figures["threshold"]),
        }
        changes = {"approved_by": actor, "approved_at": when}
    else:
        verb, summary = "payment.approved", f"{what} approved"
        changes = {"approved_by": actor, "approved_at": when}

    transition(
        payment,
        target,
        workflow=PAYMENT,
        locked=locked,
        actor=actor,
        verb=verb,
        summary=summary,
        area=award.area,
        visibility=Visibility.AREA,
        occurred_at=when,
        data=data,
        changes=changes,
        check_context=lambda locked: payment_context(locked, actor),
    )
    return _copy_back(payment, locked)


def payment_date_check(locked: Payment, award: Award, paid_on: date) -> None:
    """Payment date rules: not in the future, not before the award, not before the approval."""
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The payment date cannot be in the future."})
    if paid_on < award.awarded_on:
        raise ValidationError(
            {
                "paid_on": "The payment date cannot be before the award "
                f"({award.awarded_on.day} {award.awarded_on:%B %Y})."
            }
        )
    approved_on = locked.approved_on
    if approved_on and paid_on < approved_on:
        raise ValidationError(
            {
                "paid_on": "The payment date cannot be before the payment was approved "
                f"({approved_on.day} {approved_on:%B %Y})."
            }
        )


def payment_pay_preview(payment: Payment, actor, paid_on: date | None = None) -> ApprovalPreview:
    """The rules ``payment_pay`` applies, in its order, without writing: may this person pay
    payments at all; does the workflow let them mark this one paid (not their own approval:
    grants/workflows.py); is the date allowed (``payment_date_check``: a ValidationError naming
    ``paid_on``). The confirmation page asks it before showing what will happen; the service
    applies the same rules under the locks."""
    allowed, reason = grant_perms.can_pay_payments(actor)
    if not allowed:
        return _refused(PermissionDenied(reason))
    refused = PAYMENT.refusal(
        payment, Payment.Status.PAID, actor, **payment_context(payment, actor)
    )
    if refused is not None:
        return _refused(refused)
    paid_on = paid_on or timezone.localdate()
    try:
        payment_date_check(payment, payment.award, paid_on)
    except ValidationError as exc:
        return _refused(exc)
    return ApprovalPreview(True, figures={"target": Payment.Status.PAID, "paid_on": paid_on})


REFERENCE_MAX = Payment._meta.get_field("reference").max_length


def reference_fits(reference: str, field: str = "reference") -> None:
    """Refuse, by its field, a payment reference longer than the field holds: a reference is
    what the bank statement is matched on, so it is never cut short behind the person's back."""
    if len(reference) > REFERENCE_MAX:
        raise ValidationError(
            {
                field: ValidationError(
                    f"A payment reference can be at most {REFERENCE_MAX} characters "
                    f"(this one has {len(reference)}): shorten it.",
                    code="reference_too_long",
                )
            }
        )


@transaction.atomic
def payment_pay(
    *,
    payment: Payment,
    actor,
    paid_on: date | None = None,
    reference: str = "",
    occurred_at=None,
) -> Payment:
    """Record that an approved payment has been made, by a finance officer who did not approve
    it; the date is on or after the approval and the award, and not in the future. Records who,
    when and the reference."""
    require(grant_perms.can_pay_payments(actor))
    reference = (reference or "").strip()
    require_single_line(reference=reference)
    reference_fits(reference)
    award, locked = _lock(payment)
    paid_on = paid_on or timezone.localdate()
    paid_at = occurred_at or timezone.now()

    def dated(locked):
        payment_date_check(locked, award, paid_on)
        return {
            "paid_by": actor,
            "paid_at": paid_at,
            "paid_on": paid_on,
            "reference": reference,
            # Where the money went (the bank account: grants/holds.py's recorders).
            **paid_changes(locked),
        }

    transition(
        payment,
        Payment.Status.PAID,
        workflow=PAYMENT,
        locked=locked,
        actor=actor,
        verb="payment.paid",
        summary=f"{locked.get_kind_display()} payment of {pounds(locked.amount)} paid "
        f"on {paid_on.day} {paid_on:%B %Y}",
        area=award.area,
        visibility=Visibility.AREA,
        data=lambda locked: {"reference": locked.reference},
        occurred_at=paid_at,
        changes=dated,
        check_context=lambda locked: payment_context(locked, actor),
    )
    return _copy_back(payment, locked)


@transaction.atomic
def payment_cancel(*, payment: Payment, actor, reason: str, occurred_at=None) -> Payment:
    """Cancel a payment that has not been paid, with a reason (stored on the payment and in the
    activity entry); the money goes back to the award's unscheduled balance. A payment cancelled
    after it was approved (once or twice) keeps its approvals: its money still counts towards the
    award's four eyes, and scheduling money on the award again needs a reason (``payment_add``)."""
    require(grant_perms.can_manage_payments(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    "Say why the payment is being cancelled.", code="cancel_reason_required"
                )
            }
        )
    award, locked = _lock(payment)
    approved_before = locked.approved_at is not None
    what = f"{locked.get_kind_display()} payment of {pounds(locked.amount)}"

    def money_back(locked):
        award.total_scheduled -= locked.amount
        award.save(update_fields=["total_scheduled", "updated_at"])
        return {"cancelled_reason": reason}

    transition(
        payment,
        Payment.Status.CANCELLED,
        workflow=PAYMENT,
        locked=locked,
        actor=actor,
        verb="payment.cancelled",
        summary=f"{what} cancelled after approval" if approved_before else f"{what} cancelled",
        area=award.area,
        reason=reason,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        data={"approved_before": approved_before},
        changes=money_back,
        check_context=lambda locked: payment_context(locked, actor),
    )
    return _copy_back(payment, locked)
