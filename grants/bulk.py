"""Bulk approve and bulk mark-paid from the finance list: the same services as one payment at a
time, each payment in its own transaction, so one refusal never undoes the others and every
payment gets its own result line."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import message_for

from . import services
from .models import Payment
from .workflows import second_approval_reason

APPROVE = "approve"
PAY = "pay"
ACTIONS = {APPROVE: "Approve", PAY: "Mark as paid"}


@dataclass(frozen=True)
class BulkResult:
    payment: Payment
    done: bool
    message: str


def payments_bulk(
    *,
    payments: list[Payment],
    action: str,
    actor,
    paid_on: date | None = None,
    reference: str = "",
    references: dict[int, str] | None = None,
) -> list[BulkResult]:
    """Approve, or mark as paid, each of `payments` in turn, each in its own transaction (the
    services are atomic and this function is not), and say for each what happened: done, or
    refused with the service's reason (four eyes, state, date rules, a reference too long).
    Marking paid, each payment takes its own reference from `references` (by id), or else
    `reference`."""
    references = references or {}
    if action not in ACTIONS:
        raise ValidationError({"action": f"Unknown bulk action {action!r}."})
    results = []
    for payment in payments:
        try:
            if action == APPROVE:
                services.payment_approve(payment=payment, actor=actor)
                message = (
                    f"Approved once: {second_approval_reason(payment)}"
                    if payment.status == Payment.Status.APPROVED_ONCE
                    else "Approved."
                )
            else:
                services.payment_pay(
                    payment=payment,
                    actor=actor,
                    paid_on=paid_on,
                    reference=references.get(payment.pk) or reference,
                )
                message = f"Marked as paid on {payment.paid_on.day} {payment.paid_on:%B %Y}."
        except (ValidationError, PermissionDenied) as exc:
            results.append(BulkResult(payment, False, message_for(exc)))
        else:
            results.append(BulkResult(payment, True, message))
    return results
