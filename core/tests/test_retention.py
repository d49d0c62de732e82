"""The retention schedule (issue 22): each kind of record in settings.RETENTION is deleted once it
has been finished with for longer than its days, and nothing younger or still in use. Dates are
explicit: every record is placed relative to NOW and the prune is run as of NOW."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.models import Notification
from activity.tests.factories import NotificationFactory
from core.models import HiddenWorkItem, OutboxMessage, OutboxStatus
from core.retention import retention_prune
from ourplace.celery import app
from reports.models import ImportJob, JobStatus, ReportJob
from reports.permissions import can_retry_import
from reports.tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
SCHEDULE = {
    "sessions": 0,
    "outbox": 30,
    "reports": 90,
    "imports": 90,
    "notifications": 180,
    "signin_attempts": 90,
    "snoozes": 0,
}


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def schedule(settings):
    settings.RETENTION = dict(SCHEDULE)


def test_expired_sessions_are_deleted():
    expired, live = SessionStore(), SessionStore()
    for store in (expired, live):
        store["x"] = 1
        store.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=days_ago(1))
    Session.objects.filter(pk=live.session_key).update(expire_date=days_ago(-1))

    assert retention_prune(now=NOW, only="sessions") == {"sessions": 1}
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


def _outbox(status, **times):
    return OutboxMessage.objects.create(task="core.tasks.x", status=status, **times)


def test_confirmed_outbox_rows_older_than_the_schedule_are_deleted():
    old_done = _outbox(OutboxStatus.DONE, done_at=days_ago(31))
    recent_done = _outbox(OutboxStatus.DONE, done_at=days_ago(29))
    old_failed = _outbox(OutboxStatus.FAILED, sent_at=days_ago(400))
    old_pending = _outbox(OutboxStatus.PENDING)
    OutboxMessage.objects.update(created_at=days_ago(400))

    assert retention_prune(now=NOW, only="outbox") == {"outbox": 1}
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        recent_done.pk,
        old_failed.pk,
        old_pending.pk,
    }
    assert not OutboxMessage.objects.filter(pk=old_done.pk).exists()


def test_finished_reports_and_their_files_are_deleted():
    old = ReportJobFactory(succeeded=True)
    recent = ReportJobFactory(succeeded=True)
    old_failed = ReportJobFactory(failed=True)
    scheduled = ReportJobFactory(succeeded=True, programme=True)
    running = ReportJobFactory(running=True)
    ReportJob.objects.filter(pk__in=[old.pk, old_failed.pk]).update(finished_at=days_ago(91))
    ReportJob.objects.filter(pk=recent.pk).update(finished_at=days_ago(89))
    ReportJob.objects.filter(pk=scheduled.pk).update(
        finished_at=days_ago(400), scheduled=True, report_date=days_ago(400).date()
    )
    ReportJob.objects.filter(pk=running.pk).update(created_at=days_ago(400))
    storage = old.file.storage
    assert storage.exists(old.file.name)

    assert retention_prune(now=NOW, only="reports") == {"reports": 2}

    assert set(ReportJob.objects.values_list("pk", flat=True)) == {
        recent.pk,
        scheduled.pk,
        running.pk,
    }
    assert not storage.exists(old.file.name)
    assert storage.exists(recent.file.name)


def _import(status, finished_days_ago):
    job = ImportJob.objects.create(
        file=ContentFile(b"reference,name\n", name="records.csv"),
        original_name="records.csv",
        round_slug="round-1",
        status=status,
    )
    ImportJob.objects.filter(pk=job.pk).update(finished_at=days_ago(finished_days_ago))
    job.refresh_from_db()
    return job


def test_import_uploads_are_deleted_and_the_jobs_kept(settings):
    from accounts.tests.factories import UserFactory

    old = _import(JobStatus.FAILED, 91)
    recent = _import(JobStatus.SUCCEEDED, 89)
    storage = old.file.storage
    old_name = old.file.name
    admin = UserFactory(admin=True)
    assert can_retry_import(admin, old)[0]

    assert retention_prune(now=NOW, only="imports") == {"imports": 1}

    old.refresh_from_db()
    assert not old.file and not storage.exists(old_name)
    assert storage.exists(recent.file.name)
    assert ImportJob.objects.count() == 2
    # A failed import whose upload is gone cannot be tried again: it is uploaded again.
    assert can_retry_import(admin, old) == (
        False,
        "The uploaded file is no longer kept: upload it again.",
    )


def test_read_or_resolved_notifications_are_deleted():
    old_read = NotificationFactory(read_at=days_ago(181))
    old_resolved = NotificationFactory(resolved_at=days_ago(181))
    recent_read = NotificationFactory(read_at=days_ago(179))
    unread = NotificationFactory()
    Notification.objects.filter(pk=unread.pk).update(emailed_at=days_ago(400))

    assert retention_prune(now=NOW, only="notifications") == {"notifications": 2}
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk, unread.pk}
    assert not Notification.objects.filter(pk__in=[old_read.pk, old_resolved.pk]).exists()


def test_signin_attempts_and_logs_are_deleted():
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
        extra = extra if model is AccessAttempt else {}
        for username, days in (("old", 91), ("recent", 89)):
            row = model.objects.create(
                user_agent="pytest", ip_address="10.0.0.1", username=username, **extra
            )
            model.objects.filter(pk=row.pk).update(attempt_time=days_ago(days))

    assert retention_prune(now=NOW, only="signin_attempts") == {"signin_attempts": 3}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["recent"]


def test_snoozes_whose_day_has_come_are_deleted_and_dismissals_kept():
    """Issue 25: expired snoozes were never pruned, so the table only grew."""
    user = UserFactory()
    kind = ContentType.objects.get_for_model(user)

    def hidden(object_id, **fields):
        return HiddenWorkItem.objects.create(
            user=user, kind="k", content_type=kind, object_id=object_id, **fields
        )

    today = timezone.localdate(NOW)
    hidden(1, until=today - datetime.timedelta(days=3))
    hidden(2, until=today)  # back on the list this morning
    later = hidden(3, until=today + datetime.timedelta(days=1))
    dismissed = hidden(4, reason="Dealt with by phone.")

    assert retention_prune(now=NOW, only="snoozes") == {"snoozes": 2}
    assert set(HiddenWorkItem.objects.values_list("pk", flat=True)) == {later.pk, dismissed.pk}


def test_a_kind_missing_from_the_schedule_is_kept(settings):
    del settings.RETENTION["outbox"]
    _outbox(OutboxStatus.DONE, done_at=days_ago(4000))
    assert "outbox" not in retention_prune(now=NOW)
    assert OutboxMessage.objects.count() == 1


def test_the_command_prunes_every_kind_and_counts_each(caplog, capsys):
    now = timezone.now()
    OutboxMessage.objects.create(
        task="core.tasks.x", status=OutboxStatus.DONE, done_at=now - datetime.timedelta(days=400)
    )
    NotificationFactory(read_at=now - datetime.timedelta(days=400))
    NotificationFactory(read_at=now - datetime.timedelta(days=1))

    with caplog.at_level(logging.INFO, logger="core.retention"):
        call_command("prune")

    out = capsys.readouterr().out
    assert "outbox: deleted 1 confirmed outbox messages (kept 30 days)" in out
    assert "notifications: deleted 1 read or resolved notifications (kept 180 days)" in out
    for kind in SCHEDULE:
        assert f"{kind}: deleted" in out
    assert "Retention: deleted 1 confirmed outbox messages (older than 30 days" in caplog.text
    assert Notification.objects.count() == 1


def test_backup_and_prune_run_every_night():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"core.tasks.backup_nightly", "core.tasks.prune_nightly"} <= tasks
