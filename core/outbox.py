"""The transactional outbox: a request never talks to the broker directly.

`outbox_add` writes a row in the caller's transaction; after commit `outbox_dispatch` hands it to
Celery. If the broker is unreachable the row stays pending (with the error) and the request still
succeeds: the beat task `core.tasks.outbox_dispatch_pending` and a sweep when a worker starts send
it later. A rolled-back change leaves no row, so nothing runs for it.

Handing a message to the broker is not the end: a broker that dies before a worker takes the
message (Redis restarted without the message on disk) loses it. So a sent row counts as done
only when a worker has run its task (`outbox_confirm`, from the worker's task_postrun signal,
matched on the task id); the sweep sends again every row still unconfirmed OUTBOX_CONFIRM_MINUTES
after it was sent (`outbox_resend_unconfirmed`), at most OUTBOX_MAX_SENDS times in all, then marks
it failed. A task may therefore run twice (a slow task's message sent again, a process that died
between marking a row sent and publishing it): every task sent through the outbox is idempotent
(job claims, emails' emailed_at).

The dispatcher publishes only after it has committed the row as sent, with the task id the
message is published under (chosen here, not by Celery): a worker can run the task and confirm
it the instant the broker has it, and its confirmation always finds the row. (Publishing while
the row was still locked and uncommitted let a fast worker's confirmation match nothing, and the
task was sent again.)
"""

import datetime
import logging
import uuid

from celery.result import EagerResult
from django.conf import settings
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


def _send(message: OutboxMessage):
    """Hand the message to Celery under its task id (`message.task_id`); returns its AsyncResult
    (an EagerResult when it ran here)."""
    from ourplace.celery import app

    task = app.tasks.get(message.task)
    options = {"task_id": message.task_id, "retry": False}
    if task is not None:
        # apply_async honours CELERY_TASK_ALWAYS_EAGER; retry=False fails at once when the broker
        # is down instead of holding the request for the publish retries.
        return task.apply_async(args=message.args, kwargs=message.kwargs, **options)
    return app.send_task(message.task, args=message.args, kwargs=message.kwargs, **options)


def _mark_sent(message_id: int) -> OutboxMessage | None:
    """Take a pending message for sending and commit it as sent, under a new task id. None when
    it is not pending, or another dispatcher holds it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.task_id = str(uuid.uuid4())
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "task_id", "status", "sent_at", "last_error"])
    return message


def outbox_dispatch(*, message_id: int) -> bool:
    """Hand one pending message to the broker. Returns True when it was sent now; False when it
    was already sent, is being sent by another dispatcher, or the broker refused (then the error
    is kept on the row and a later sweep tries again).

    Call it outside a transaction (after commit, or from the sweep): the row must be committed
    as sent before the message is published, so the worker's confirmation finds it."""
    message = _mark_sent(message_id)
    if message is None:
        return False
    this_send = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENT, task_id=message.task_id
    )
    try:
        sent = _send(message)
    except Exception as exc:  # any broker failure: the message waits for the next sweep
        error = f"{type(exc).__name__}: {exc}"[:500]
        this_send.update(status=OutboxStatus.PENDING, task_id="", sent_at=None, last_error=error)
        logger.warning("Outbox message %s not sent: %s", message.pk, error)
        return False
    if isinstance(sent, EagerResult):  # it ran here and then (eager mode): done
        this_send.update(status=OutboxStatus.DONE, done_at=timezone.now())
    return True


def outbox_confirm(*, task_id: str) -> int:
    """A worker has run the task with this id: its message is done and is not sent again.
    Returns how many rows it confirmed (0 for a task the outbox did not send)."""
    if not task_id:
        return 0
    return OutboxMessage.objects.filter(task_id=task_id, status=OutboxStatus.SENT).update(
        status=OutboxStatus.DONE, done_at=timezone.now()
    )


def outbox_resend_unconfirmed() -> dict:
    """Put back in the queue every message the broker took but no worker has run within
    OUTBOX_CONFIRM_MINUTES (the broker lost it, or its task is still running: tasks are
    idempotent); one sent OUTBOX_MAX_SENDS times is marked failed instead. Returns the counts."""
    minutes = float(settings.OUTBOX_CONFIRM_MINUTES)
    stale = OutboxMessage.objects.filter(
        status=OutboxStatus.SENT,
        sent_at__lt=timezone.now() - datetime.timedelta(minutes=minutes),
    )
    cap = int(settings.OUTBOX_MAX_SENDS)
    failed = stale.filter(attempts__gte=cap).update(
        status=OutboxStatus.FAILED,
        last_error=f"Sent {cap} times and never confirmed by a worker; not sent again.",
    )
    again = stale.filter(attempts__lt=cap).update(
        status=OutboxStatus.PENDING,
        last_error=f"Not confirmed by a worker within {minutes:g} minutes of being sent; "
        "sending it again.",
    )
    if failed or again:
        logger.warning("Outbox: %s unconfirmed messages sent again, %s given up", again, failed)
    return {"resent": again, "failed": failed}


def outbox_dispatch_pending(*, limit: int = 500) -> int:
    """Send every pending message, oldest first (at most `limit` in one sweep), after putting
    back those the broker took but no worker confirmed. Returns how many were sent; stops early
    when the broker refuses one, since the rest would fail too."""
    outbox_resend_unconfirmed()
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
