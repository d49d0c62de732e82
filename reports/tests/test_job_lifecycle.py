"""Jobs run exactly once: claimed with a compare-and-set, written only by the run holding the
claim, sent again when their worker stops (at most JOB_MAX_ATTEMPTS times), and sent through the
outbox so a broker that is down leaves them waiting rather than lost."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activity.models import ActivityEntry
from core.models import OutboxMessage, OutboxStatus
from core.outbox import outbox_dispatch_pending
from core.tests.test_outbox import broker
from programmes.models import Area, Programme
from reports import services, tasks
from reports.jobs import lifecycle, report_jobs
from reports.models import JobStatus, ReportJob
from reports.tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"


def _stall(job, minutes=10):
    type(job).objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_a_job_is_claimed_once(area):
    job = ReportJobFactory(area=area)
    first = lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    assert first
    assert lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting") is None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1 and job.claim_token == first


def test_a_run_that_lost_its_claim_writes_nothing(area):
    job = ReportJobFactory(area=area)
    stale = lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    _stall(job)
    assert lifecycle.requeue_stalled() == {"requeued": 1, "failed": 0}
    current = lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    # The first run wakes up: its progress, failure and PDF are all refused.
    lifecycle.set_progress(ReportJob, job.pk, 80, "Old run", stale)
    assert lifecycle.fail(ReportJob, job.pk, token=stale, error="old") is False
    assert report_jobs._save_pdf(job, b"%PDF-old", stale) is False
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.claim_token == current
    assert job.progress_message != "Old run" and not job.file and job.attempts == 2


def test_a_stalled_job_is_sent_again_then_failed_after_the_cap(area, programme_manager, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    job = ReportJobFactory(area=area, requested_by=programme_manager)
    for attempt in (1, 2):
        assert lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
        _stall(job)
        outcome = lifecycle.requeue_stalled()
        job.refresh_from_db()
        if attempt == 1:
            assert outcome == {"requeued": 1, "failed": 0}
            assert job.status == JobStatus.QUEUED
            assert job.progress_message == "The worker stopped; trying again (attempt 2 of 2)"
            assert OutboxMessage.objects.filter(
                task="reports.tasks.report_generate", args=[job.pk]
            ).exists()
    assert outcome == {"requeued": 0, "failed": 1}
    assert job.status == JobStatus.FAILED and job.attempts == 2
    assert "stopped while doing this job 2 times" in job.error
    # A person may retry it: the attempts start again.
    services.report_retry(job=job, actor=programme_manager)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(area):
    job = ReportJobFactory(area=area)
    lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    _stall(job, minutes=1)
    assert lifecycle.requeue_stalled() == {"requeued": 0, "failed": 0}
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_progress_is_a_heartbeat(area):
    job = ReportJobFactory(area=area)
    token = lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    _stall(job)
    lifecycle.set_progress(ReportJob, job.pk, 50, "Halfway", token)
    assert lifecycle.requeue_stalled() == {"requeued": 0, "failed": 0}


@pytest.fixture
def programme(db):
    return Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})[0]


def test_a_redelivered_import_message_does_nothing(programme, programme_manager):
    from reports.tests.test_import import HEADER, ROWS

    upload = SimpleUploadedFile("crm.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode())
    job = services.import_request(actor=programme_manager, upload=upload, round_slug="r1")
    assert tasks.records_import_job.run(job.pk) == JobStatus.SUCCEEDED
    areas = Area.objects.count()
    # The same message again (the broker redelivered it): the claim refuses, nothing is written.
    assert tasks.records_import_job.run(job.pk) == "nothing to do"
    job.refresh_from_db()
    assert job.attempts == 1 and job.summary[-2].startswith("Rows: 5 created")
    assert Area.objects.count() == areas
    assert ActivityEntry.objects.filter(verb="import.finished").count() == 1


def test_a_redelivered_import_message_while_the_import_runs_does_nothing(
    programme, programme_manager, monkeypatch
):
    # The outbox sends a message again when no worker confirmed it in time; a long import may
    # still be running then: the claim refuses the second message and nothing is imported twice.
    from reports.imports import pipeline
    from reports.models import ImportJob
    from reports.tests.test_import import HEADER, ROWS

    upload = SimpleUploadedFile("crm.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode())
    job = services.import_request(actor=programme_manager, upload=upload, round_slug="r1")
    lifecycle.claim(ImportJob, job.pk, progress=10, message="Checking every row of the file")
    monkeypatch.setattr(pipeline.Importer, "run", lambda self: pytest.fail("imported twice"))
    assert tasks.records_import_job.run(job.pk) == "nothing to do"
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


def test_a_redelivered_message_while_the_job_runs_does_nothing(area, monkeypatch):
    job = ReportJobFactory(area=area)
    lifecycle.claim(ReportJob, job.pk, progress=1, message="Starting")
    monkeypatch.setattr(report_jobs, "report_pdf", lambda *a, **k: pytest.fail("rendered twice"))
    assert tasks.report_generate.run(job.pk) == "nothing to do"


@pytest.fixture
def sent_unless_broker_down(monkeypatch):
    """Report tasks recorded instead of sent, but refused like a real send while the Celery app
    points at the dead broker."""
    from ourplace.celery import app

    sent = []

    class Result:
        id = "test-task-id"

    def apply_async(args=(), kwargs=None, **options):
        if app.conf.broker_url == DEAD_BROKER:
            raise ConnectionRefusedError(111, "Connection refused")
        sent.append(args[0])
        return Result()

    monkeypatch.setattr(tasks.report_generate, "apply_async", apply_async)
    return sent


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_report_waits_and_is_sent_when_it_is_back(
    client_for, programme_manager, area, sent_unless_broker_down
):
    sent_tasks = sent_unless_broker_down
    client = client_for(programme_manager)
    with broker(DEAD_BROKER):
        response = client.post(reverse("reports:area_request", args=[area.reference]), follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "is queued: it will start when the background service is available" in page
        assert lifecycle.WAITING_MESSAGE in page
        job = ReportJob.objects.get()
        assert job.status == JobStatus.QUEUED
        again = client.post(reverse("reports:area_request", args=[area.reference]), follow=True)
        assert ReportJob.objects.get().pk == job.pk
        again_page = again.content.decode()
        assert "had already been asked for" in again_page
        assert "Your area progress report is queued: it will start when" in again_page
        progress = client.get(reverse("reports:job_progress", args=[job.pk])).content.decode()
        assert lifecycle.WAITING_MESSAGE in progress
    assert sent_tasks == []
    # The broker is back: the beat sweep (or a worker starting) sends it.
    assert outbox_dispatch_pending() == 1
    assert sent_tasks == [job.pk]
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert lifecycle.WAITING_MESSAGE not in page


@pytest.mark.django_db(transaction=True)
def test_broker_down_a_plan_submission_email_waits(area, lead_user):
    from accounts.tests.factories import UserFactory
    from activity.services import activity_record

    manager = UserFactory(programme_manager=True, email="pm@example.org")
    with broker(DEAD_BROKER):
        entry = activity_record(verb="x", summary="Plan submitted", area=area, notify=[manager])
    message = OutboxMessage.objects.get(task="activity.tasks.notifications_email")
    assert message.args == [entry.pk] and message.status == OutboxStatus.PENDING
