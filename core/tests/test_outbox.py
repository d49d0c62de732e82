"""The outbox: work a request asks for survives a broker that is down, and a rolled-back change
asks for nothing."""

from contextlib import contextmanager

import pytest
from celery import shared_task
from django.db import transaction

from core.models import OutboxMessage, OutboxStatus
from core.outbox import outbox_add, outbox_dispatch, outbox_dispatch_pending, outbox_waiting
from ourplace.celery import app

RAN: list = []


@shared_task(name="core.tests.record_run")
def record_run(value):
    RAN.append(value)
    return value


@contextmanager
def broker(url):
    """Point the Celery app at another broker for the duration (a dead port plays the broker
    that is down), dropping the cached connection pools both ways."""
    saved = app.conf.broker_url, app.conf.broker_transport_options
    # The broker options of settings with REDIS_URL (fail fast), also when this run has none.
    options = {**saved[1], "max_retries": 1, "interval_start": 0, "interval_step": 0.2}

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url, app.conf.broker_transport_options = url, options
    reset()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        reset()


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()


@pytest.mark.django_db
def test_nothing_is_sent_for_a_change_that_rolled_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_add(task="core.tests.record_run", args=[1])
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert RAN == []


@pytest.mark.django_db
def test_after_commit_the_message_is_handed_to_celery(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_add(task="core.tests.record_run", args=[7], description="test")
    finally:
        app.conf.task_always_eager = False
    message.refresh_from_db()
    # Eager: the task ran in place, so the message is done (never sent again).
    assert message.status == OutboxStatus.DONE and message.attempts == 1 and message.done_at
    assert RAN == [7]
    # Sending again does nothing: the message is no longer pending.
    assert outbox_dispatch(message_id=message.pk) is False


@pytest.mark.django_db
def test_a_broker_that_is_down_leaves_the_message_waiting_until_it_is_back(
    django_capture_on_commit_callbacks,
):
    with broker("redis://127.0.0.1:1/0"):
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_add(task="core.tests.record_run", args=[3])
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert "Error" in message.last_error  # the broker's refusal, kept for the admin
        assert outbox_waiting(task="core.tests.record_run", args=[3]) == message
        assert outbox_dispatch_pending() == 0
    # The broker is back (Redis in CI, the filesystem broker on a laptop): the sweep sends it.
    assert outbox_dispatch_pending() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 3 and not message.last_error
    assert outbox_waiting(task="core.tests.record_run", args=[3]) is None
    app.control.purge()  # the test's message is not for any worker
