"""Sign-in records kept by django-axes, pruned on the retention schedule (core/retention.py)."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from core.retention import Pruner, retention_register


def signin_attempts_prune(cutoff: datetime.datetime) -> int:
    """django-axes' failed-attempt counters, failure log and access log from before the cut-off
    (a lockout lasts AXES_COOLOFF_TIME, far shorter than any retention)."""
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted


def register() -> None:
    retention_register(
        Pruner("signin_attempts", "sign-in attempts and access logs", signin_attempts_prune)
    )
