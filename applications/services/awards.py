"""What a positive decision gives an area: a stage grant (through grants) and adviser days
(announced with ``applications.signals.adviser_days_awarded``, which support turns into
entitlement). Admission and stage gates both award through these."""

from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from ..signals import adviser_days_awarded


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
    """Add adviser days to the area's entitlement; nothing when there are none to add. Support
    adds them, in this transaction; days nobody would keep are an error, never dropped."""
    if not days or Decimal(days) <= 0:
        return
    kept = adviser_days_awarded.send(
        sender=add_adviser_days,
        area=area,
        days=Decimal(days),
        reason=reason,
        actor=actor,
        occurred_at=occurred_at,
        imported=imported,
    )
    if not kept:
        raise ImproperlyConfigured("Nothing listens to adviser_days_awarded: is support installed?")
