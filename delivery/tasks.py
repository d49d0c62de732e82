"""The daily delivery job: create any missing return periods, then flag returns that have become
overdue (once each)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def returns_daily() -> dict:
    """Idempotent: the schedule adds only missing periods and each overdue return is flagged
    once, so a retried or duplicated run changes nothing."""
    scheduled = services.returns_schedule_all()
    flagged = services.returns_flag_overdue(today=timezone.localdate())
    return {"areas_scheduled": scheduled, "returns_flagged_overdue": flagged}
