"""Background work of the early warning: the nightly recompute of every live round and the
recompute of one round after its areas' inputs changed. Both idempotent."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def round_warnings_refresh(round_id: int) -> int:
    """Recompute one round's stored warnings as of today; returns how many areas are flagged."""
    from programmes.models import Round

    from .services import warnings_recompute

    rnd = Round.objects.filter(pk=round_id).first()
    if rnd is None:
        return 0
    return sum(1 for w in warnings_recompute(round=rnd, as_of=timezone.localdate()) if w.flagged)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def warnings_nightly() -> dict:
    """Every round not finished, recomputed as of today: {round slug: areas flagged}."""
    from programmes.models import Round

    from .services import warnings_recompute

    today = timezone.localdate()
    result = {}
    for rnd in Round.objects.exclude(status=Round.Status.FINISHED).order_by("starts_on"):
        result[rnd.slug] = sum(1 for w in warnings_recompute(round=rnd, as_of=today) if w.flagged)
    return result
