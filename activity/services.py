"""Writing the audit trail. Every state-changing service in the project calls `activity_record`."""

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from core.errors import require
from core.outbox import outbox_add

from .models import ActivityEntry, Notification, Visibility


def activity_record(
    *,
    verb: str,
    summary: str,
    actor=None,
    area=None,
    reason: str = "",
    visibility: str = Visibility.STAFF,
    target: models.Model | None = None,
    occurred_at=None,
    imported: bool = False,
    data: dict | None = None,
    notify: Iterable = (),
) -> ActivityEntry:
    """Record one thing that happened, and notify the given users.

    Emails for the notifications are sent by a Celery task after the surrounding transaction
    commits, so a rolled-back change never emails anyone.
    """
    entry = ActivityEntry.objects.create(
        verb=verb,
        summary=summary[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        area=area,
        reason=reason,
        visibility=visibility,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        occurred_at=occurred_at or timezone.now(),
        imported=imported,
        data=data or {},
    )
    recipients = {u.pk: u for u in notify if u is not None and u.is_active}
    if actor is not None:
        recipients.pop(getattr(actor, "pk", None), None)
    if recipients and not imported:
        Notification.objects.bulk_create(
            [Notification(recipient=u, entry=entry) for u in recipients.values()]
        )
        # Through the outbox: sent after commit, or later if the broker is down (core.outbox).
        # Importing the task registers it, so eager test runs execute it in place.
        from . import tasks  # noqa: F401

        outbox_add(
            task="activity.tasks.notifications_email",
            args=[entry.pk],
            description=f"Emails for {verb}",
        )
    return entry


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading time is kept)."""
    require((notification.recipient_id == user.pk, "This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
