"""The transactional outbox: a request never talks to the broker directly.

`outbox_add` writes a row in the caller's transaction; after commit `outbox_dispatch` hands it to
Celery. If the broker is unreachable the row stays pending (with the error) and the request still
succeeds: the beat task `core.tasks.outbox_dispatch_pending` and a sweep when a worker starts send
it later. A rolled-back change leaves no row, so nothing runs for it.
"""

import logging

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)


def outbox_add(
    *, task: str, args: list | tuple = (), kwargs: dict | None = None, description: str = ""
) -> OutboxMessage:
    """Record that Celery task `task` (its registered name) must run with these arguments once
    the surrounding transaction commits. Arguments must be JSON: pass ids, not objects."""
    message = OutboxMessage.objects.create(
        task=task, args=list(args), kwargs=kwargs or {}, description=description[:200]
    )
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def _send(message: OutboxMessage) -> str:
    from ourplace.celery import app

    task = app.tasks.get(message.task)
    if task is not None:
        # apply_async honours CELERY_TASK_ALWAYS_EAGER; retry=False fails at once when the broker
        # is down instead of holding the request for the publish retries.
        result = task.apply_async(args=message.args, kwargs=message.kwargs, retry=False)
    else:
        result = app.send_task(message.task, args=message.args, kwargs=message.kwargs, retry=False)
    return result.id or ""


def outbox_dispatch(*, message_id: int) -> bool:
    """Hand one pending message to the broker. Returns True when it was sent now; False when it
    was already sent, is being sent by another dispatcher, or the broker refused (then the error
    is kept on the row and a later sweep tries again)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            message.task_id = _send(message)
        except Exception as exc:  # any broker failure: the message waits for the next sweep
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.save(update_fields=["attempts", "last_error"])
            logger.warning("Outbox message %s not sent: %s", message.pk, message.last_error)
            return False
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "task_id"])
    return True


def outbox_dispatch_pending(*, limit: int = 500) -> int:
    """Send every pending message, oldest first (at most `limit` in one sweep). Returns how many
    were sent; stops early when the broker refuses one, since the rest would fail too."""
    sent = 0
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        if outbox_dispatch(message_id=pk):
            sent += 1
        elif OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).exists():
            break
    return sent


def outbox_waiting(*, task: str, args: list | tuple) -> OutboxMessage | None:
    """The pending message for this task and arguments, if the broker has not taken it yet: pages
    use it to say the work will start when the background service is available."""
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, task=task, args=list(args))
        .order_by("-created_at")
        .first()
    )
