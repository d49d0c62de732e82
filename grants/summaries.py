"""What the audit trail says of awards and released retentions: one wording, used by the grants
services and by the CRM import's bulk writer."""

from decimal import Decimal

from core.money import pounds
from programmes.models import Stage

from .models import FINAL_PLAN_SUBMITTED, ReleaseCondition


def award_summary(
    *, stage, amount, advance, retention, condition, awarded_on, imported: bool
) -> str:
    """What the audit trail says of an award (the CRM import's bulk writer says the same)."""
    summary = f"{Stage(stage).label} grant of {pounds(amount)} awarded"
    if retention > 0:
        when_released = (
            "on the final plan" if condition == FINAL_PLAN_SUBMITTED else "after the first year"
        )
        summary += f" ({pounds(advance)} now, {pounds(retention)} {when_released})"
    if imported and advance > 0:
        summary += f"; {pounds(advance)} recorded as paid on {awarded_on:%d %B %Y}"
    return summary


def retention_summary(*, released: list, condition: str, imported: bool) -> str:
    """What the audit trail says of released retentions."""
    total = sum((p.amount for p in released), Decimal("0"))
    summary = f"Retention of {pounds(total)} released: {ReleaseCondition(condition).label.lower()}"
    if imported:
        summary += f"; recorded as paid on {released[0].paid_on:%d %B %Y}"
    return summary
