"""Notifications, pruned on the retention schedule (core/retention.py)."""

import datetime

from django.db.models import Q

from core.retention import Pruner, retention_register

from .models import Notification


def notifications_prune(cutoff: datetime.datetime) -> int:
    """Notifications read or resolved before the cut-off (the activity entries they came from,
    the audit trail, are never deleted). Unread open ones stay however old."""
    deleted, _ = Notification.objects.filter(
        Q(read_at__lt=cutoff) | Q(resolved_at__lt=cutoff)
    ).delete()
    return deleted


def register() -> None:
    retention_register(
        Pruner("notifications", "read or resolved notifications", notifications_prune)
    )
