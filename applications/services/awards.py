"""What a positive decision gives an area: a stage grant (through grants) and adviser days
(through support). Admission and stage gates both award through these."""

from decimal import Decimal


def award_stage(*, area, stage, amount, actor, occurred_at, imported, reason):
    """Award the stage's grant to the area (grants.services.award_grant schedules its payments)."""
    from grants.services import award_grant

    return award_grant(
        area=area,
        stage=stage,
        amount=amount,
        actor=actor,
        occurred_at=occurred_at,
        imported=imported,
        reason=reason,
    )


def add_adviser_days(*, area, days, reason, actor, occurred_at, imported) -> None:
    """Add adviser days to the area's entitlement; nothing when there are none to add."""
    if not days or Decimal(days) <= 0:
        return
    from support.services import entitlement_add

    entitlement_add(
        area=area,
        days=Decimal(days),
        reason=reason,
        actor=actor,
        occurred_at=occurred_at,
        imported=imported,
    )
