"""Background work survives its faults, with a real Celery worker and a real broker:

- the broker is down while a person asks for a report, uploads an import or submits a plan: no
  server error, the write stands, the page says the job is queued, and the work runs once the
  background service is back (the worker's start sweeps the outbox);
- the worker's main process is SIGKILLed mid-report: after a restart the job is found stalled,
  sent again and finished once, with one file;
- a report that always kills its worker ends failed after JOB_MAX_ATTEMPTS, saying why.

Like test_worker.py these need a database another process can open (PostgreSQL in CI).
"""

import os
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry, Notification
from core.models import OutboxMessage, OutboxStatus
from core.tests.test_outbox import broker
from plans.tests.factories import LogicModelFactory, PlanFactory, lead_member_of
from plans.workflows import PlanStatus
from programmes.models import AreaStage, Programme
from programmes.tests.factories import AreaFactory, RoundFactory
from reports.jobs.lifecycle import WAITING_MESSAGE
from reports.models import ImportJob, JobStatus, ReportJob

from .worker_process import DEAD_BROKER, route_outbox_to, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _import_upload():
    from reports.tests.test_import import HEADER, ROWS

    return SimpleUploadedFile(
        "crm.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode(), content_type="text/csv"
    )


def test_broker_down_during_report_import_and_plan_submission(client, monkeypatch, tmp_path):
    queue = route_outbox_to(monkeypatch)
    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    manager = UserFactory(username="fault-pm", programme_manager=True, email="pm@example.org")
    area = AreaFactory(round=RoundFactory(sign_off_order="parallel"), stage=AreaStage.GETTING_GOING)
    LogicModelFactory(area=area, rows=1)
    plan = PlanFactory(area=area)
    author = lead_member_of(area, username="fault-lead")

    with broker(DEAD_BROKER):
        client.force_login(manager)
        asked = client.post(reverse("reports:area_request", args=[area.reference]), follow=True)
        assert asked.status_code == 200
        job = ReportJob.objects.get()
        assert job.status == JobStatus.QUEUED
        assert WAITING_MESSAGE in asked.content.decode()
        # Asking again returns the job that waits, not a new (or dead) one.
        again = client.post(reverse("reports:area_request", args=[area.reference]), follow=True)
        assert again.status_code == 200 and ReportJob.objects.get().pk == job.pk

        uploaded = client.post(
            reverse("reports:import_index"),
            {"file": _import_upload(), "new_round": "r1"},
            follow=True,
        )
        assert uploaded.status_code == 200
        import_job = ImportJob.objects.get()
        assert WAITING_MESSAGE in uploaded.content.decode()

        client.force_login(author)
        submitted = client.post(reverse("plans:submit_draft", args=[area.reference]))
        assert submitted.status_code == 302
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT_SUBMITTED  # the write stands
        email = Notification.objects.get(recipient=manager, entry__verb="plan.draft_submitted")
        assert email.emailed_at is None
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 3

    # The background service comes back: a worker starts and sends what waited.
    worker, log = start_worker(queue, tmp_path)
    try:
        wait_until(
            lambda: not ReportJob.objects.get().is_live and not ImportJob.objects.get().is_live,
            worker,
            log,
        )
        job.refresh_from_db()
        import_job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and job.file, job.error
        assert import_job.status == JobStatus.SUCCEEDED, import_job.error or import_job.problems
        wait_until(lambda: Notification.objects.get(pk=email.pk).emailed_at, worker, log)
        # A redelivered import message does nothing: the job is done, so the claim refuses it.
        from ourplace.celery import app

        app.send_task("reports.tasks.records_import_job", args=[import_job.pk], queue=queue)
        app.send_task("reports.tasks.report_generate", args=[job.pk], queue=queue)
        wait_until(lambda: log.read_text().count("has nothing to do") >= 2, worker, log)
        assert ActivityEntry.objects.filter(verb="import.finished").count() == 1
        import_job.refresh_from_db()
        job.refresh_from_db()
        assert import_job.attempts == 1 and job.attempts == 1
    finally:
        stop_worker(worker)
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()


def _report_files() -> list[Path]:
    from django.conf import settings

    return sorted((Path(settings.PRIVATE_STORAGE_ROOT) / "reports").rglob("*.pdf"))


def test_worker_killed_mid_report_finishes_it_once_after_restart(client, monkeypatch, tmp_path):
    queue = route_outbox_to(monkeypatch)
    # A short stall time and a frequent sweep, so the test needs seconds rather than minutes.
    fast = {"JOB_STALL_MINUTES": "0.1", "JOB_STALL_SWEEP_SECONDS": "2"}
    manager = UserFactory(username="kill-pm", programme_manager=True)
    area = AreaFactory(name="Killed Heights")
    before = set(_report_files())
    worker, log = start_worker(queue, tmp_path, env=fast, pool="prefork", beat=True)
    try:
        client.force_login(manager)
        client.post(reverse("reports:area_request", args=[area.reference]))
        job = ReportJob.objects.get()
        wait_until(
            lambda: ReportJob.objects.get().status != JobStatus.QUEUED, worker, log, poll=0.02
        )
        os.kill(worker.pid, signal.SIGKILL)  # the main process: no chance to requeue anything
        worker.wait(timeout=10)
    finally:
        stop_worker(worker)
    job.refresh_from_db()
    killed_during = job.status
    worker, log = start_worker(queue, tmp_path, env=fast, pool="prefork", beat=True, name="again")
    try:
        wait_until(lambda: not ReportJob.objects.get().is_live, worker, log)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, (killed_during, job.error)
        # Let a few more sweeps run: nothing runs it again.
        finished = job.finished_at
        wait_until(lambda: log.read_text().count("jobs_requeue_stalled") >= 6, worker, log)
        job.refresh_from_db()
        assert job.finished_at == finished and job.status == JobStatus.SUCCEEDED
    finally:
        stop_worker(worker)
    new_files = [f for f in _report_files() if f not in before]
    assert len(new_files) == 1 and new_files[0].as_posix().endswith("/" + job.file.name)
    assert 1 <= job.attempts <= 2


def test_a_report_that_always_kills_its_worker_fails_after_the_cap(client, monkeypatch, tmp_path):
    queue = route_outbox_to(monkeypatch)
    crash = {
        "REPORTS_TEST_CRASH_WORKER": "1",
        "JOB_STALL_MINUTES": "0.05",
        "JOB_STALL_SWEEP_SECONDS": "1",
        "JOB_MAX_ATTEMPTS": "3",
    }
    manager = UserFactory(username="crash-pm", programme_manager=True)
    area = AreaFactory()
    worker, log = start_worker(queue, tmp_path, env=crash, pool="prefork", beat=True)
    try:
        client.force_login(manager)
        client.post(reverse("reports:area_request", args=[area.reference]))
        wait_until(lambda: ReportJob.objects.get().status == JobStatus.FAILED, worker, log)
    finally:
        stop_worker(worker)
    job = ReportJob.objects.get()
    assert job.attempts == 3
    assert "stopped while doing this job 3 times" in job.error
    page = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert ">Retry<" in page  # a person can try it again once the cause is fixed
