"""A worker fast enough to run a task and confirm it before the dispatcher has finished handing
it to the broker: the confirmation must find the row, or the message is sent again after
OUTBOX_CONFIRM_MINUTES (issue 21). The outbox publishes only after the row saying it was sent
(with the task id it is sent under) is committed. PostgreSQL only: it needs two connections and
the isolation of a real server."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage, OutboxStatus
from core.outbox import outbox_add, outbox_confirm, outbox_dispatch_pending

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections"),
]


def _fast_worker_send(published: list, confirmed: list):
    """A `_send` whose message a worker takes and runs at once: the worker (another thread, so
    another connection) confirms it, as its task_postrun does, before publishing returns."""

    def confirm(task_id):
        try:
            confirmed.append(outbox_confirm(task_id=task_id))
        finally:
            connections.close_all()

    def send(message):
        task_id = message.task_id or uuid.uuid4().hex  # the id the message is published under
        published.append(task_id)
        worker = threading.Thread(target=confirm, args=(task_id,))
        worker.start()
        worker.join(timeout=60)
        assert not worker.is_alive(), "the worker's confirmation never finished"
        return task_id

    return send


def test_a_worker_that_confirms_at_once_is_not_missed_and_not_sent_again(settings, monkeypatch):
    settings.OUTBOX_CONFIRM_MINUTES = 10
    published, confirmed = [], []
    monkeypatch.setattr(outbox, "_send", _fast_worker_send(published, confirmed))

    # Outside a transaction (as after a request commits): dispatched at once.
    message = outbox_add(task="core.tests.record_run", args=[1])

    assert len(published) == 1
    assert confirmed == [1]  # the worker's confirmation found the row
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE and message.task_id == published[0]
    # Long after the confirmation window, the sweep has nothing to send again.
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now() - datetime.timedelta(minutes=60)
    )
    assert outbox_dispatch_pending() == 0
    assert len(published) == 1


def test_a_message_the_broker_refused_waits_for_the_sweep_with_no_task_id(monkeypatch):
    """Publishing after commit means the row says "sent" before the broker has it: when the
    broker refuses, the row goes back to pending (with the error) for the next sweep."""

    def refuse(message):
        raise ConnectionError("broker down")

    monkeypatch.setattr(outbox, "_send", refuse)
    message = outbox_add(task="core.tests.record_run", args=[2])
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.last_error == "ConnectionError: broker down" and message.task_id == ""
    published, confirmed = [], []
    monkeypatch.setattr(outbox, "_send", _fast_worker_send(published, confirmed))
    assert outbox_dispatch_pending() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE and message.attempts == 2
    assert message.last_error == "" and confirmed == [1]
