"""A message handed to the broker counts as done only when a worker has run it: one the broker
lost before delivery (Redis restarted) is sent again by the sweep, at most OUTBOX_MAX_SENDS
times (issue 12)."""

import datetime

import pytest
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage, OutboxStatus
from core.outbox import outbox_add, outbox_dispatch_pending
from core.tasks import _confirm_outbox_message


def _send_to(queue_or_ids):
    """A `_send` that records the message's task id (the outbox chooses it, and commits it on the
    row before publishing) instead of publishing it."""

    def send(message):
        queue_or_ids.append(message.task_id)
        return message.task_id

    return send


def _age(message, minutes):
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


@pytest.mark.django_db
def test_an_unconfirmed_message_is_sent_again_then_given_up(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_CONFIRM_MINUTES = 10
    settings.OUTBOX_MAX_SENDS = 2
    ids = []
    monkeypatch.setattr(outbox, "_send", _send_to(ids))
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_add(task="core.tests.record_run", args=[1])
    assert len(ids) == 1
    # Within the time a worker has to confirm it, nothing is sent again.
    _age(message, 9)
    assert outbox_dispatch_pending() == 0 and len(ids) == 1
    # Never confirmed: the broker lost it. Sent again, with a new task id.
    _age(message, 11)
    assert outbox_dispatch_pending() == 1 and len(ids) == 2
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert message.task_id == ids[1]
    # Still never confirmed after the last send: given up, and the admin sees why.
    _age(message, 11)
    assert outbox_dispatch_pending() == 0 and len(ids) == 2
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "never confirmed" in message.last_error


@pytest.mark.django_db
def test_a_worker_that_ran_the_task_confirms_it_and_it_is_never_sent_again(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_CONFIRM_MINUTES = 10
    ids = []
    monkeypatch.setattr(outbox, "_send", _send_to(ids))
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_add(task="core.tests.record_run", args=[2])
    # A retry is not done: Celery sends it again itself, and the sweep still watches it.
    _confirm_outbox_message(task_id=ids[0], state="RETRY")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    _confirm_outbox_message(task_id=ids[0], state="SUCCESS")
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE and message.done_at
    _age(message, 60)
    assert outbox_dispatch_pending() == 0 and len(ids) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_message_redis_lost_before_delivery_is_sent_again_and_run_once_by_a_worker(
    settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    """Real Redis and a real worker: the broker loses the message (its queue is gone, as after
    a Redis restart without it on disk); the sweep sends it again once it is overdue; a worker
    runs it and confirms it; it is not sent again."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("Needs the real Redis (REDIS_URL).")
    import redis

    from reports.tests.worker_process import (
        route_outbox_to,
        start_worker,
        stop_worker,
        wait_until,
    )

    settings.OUTBOX_CONFIRM_MINUTES = 10
    queue = route_outbox_to(monkeypatch)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # Under pytest-xdist each process's keys carry its prefix (ourplace/settings/test.py).
    key = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "") + queue
    # A task every worker knows, harmless to run: the outbox sweep itself.
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_add(task="core.tasks.outbox_dispatch_pending", description="lost")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and client.llen(key) == 1
    client.delete(key)  # the broker dies and comes back without the message

    assert outbox_dispatch_pending() == 0  # not overdue yet: nothing sent again
    _age(message, 11)
    assert outbox_dispatch_pending() == 1
    assert client.llen(key) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2

    worker, log = start_worker(queue, tmp_path)
    try:
        wait_until(
            lambda: OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.DONE).exists(),
            worker,
            log,
        )
    finally:
        stop_worker(worker)
    _age(message, 60)
    assert outbox_dispatch_pending() == 0
    assert client.llen(key) == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE and message.attempts == 2
