"""A real Celery worker renders a report requested through the service.

The worker is a separate process, so it must see the data this test commits: that works with
PostgreSQL (the worker connects to pytest's test_<name> database) or a file SQLite database, not
with SQLite in memory. The broker is whatever the test settings use: Redis when REDIS_URL is set
(CI), otherwise the filesystem broker folder under var/broker-test/.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import UserFactory
from programmes.tests.factories import AreaFactory
from reports import services
from reports.models import JobStatus, ReportKind
from reports.tests.conftest import pdf_text

pytestmark = [
    pytest.mark.worker,
    # The data is committed so the worker can read it; the database is flushed afterwards (the
    # root conftest puts the standard themes back for later tests). No serialized rollback: after
    # an earlier transactional test's flush it would insert content types that already exist.
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 90


def _database_url() -> str | None:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.vendor == "sqlite" and "memory" not in name and name != ":memory:":
        return f"sqlite:///{Path(name).resolve()}"
    return None


@pytest.fixture
def worker_queue(monkeypatch):
    """Start `celery -A ourplace worker` on a queue of its own, pointing at this test's database
    and private files; route report tasks to that queue; stop the worker afterwards."""
    url = _database_url()
    if url is None:
        pytest.skip(
            "The worker test needs a database another process can open: set DATABASE_URL to "
            "PostgreSQL (or a file SQLite database); SQLite in memory is private to pytest."
        )
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    queue = f"reports-test-{uuid.uuid4().hex[:10]}"
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.test",
        "DATABASE_URL": url,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
    }
    log = Path(settings.PRIVATE_STORAGE_ROOT) / f"{queue}.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                celery,
                "-A",
                "ourplace",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # The service sends the task through the outbox as usual; only the queue differs, so no
    # other worker (a developer's, another test run's) can take it.
    from core import outbox
    from ourplace.celery import app

    def send(message):
        sent = app.send_task(
            message.task, args=message.args, queue=queue, task_id=message.task_id, retry=False
        )
        return sent.id or ""

    monkeypatch.setattr(outbox, "_send", send)
    try:
        yield worker, log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def _wait_for(job, worker, log):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped (exit {worker.returncode}):\n{log.read_text()}")
        time.sleep(0.5)
    pytest.fail(f"No result within {WAIT_SECONDS} s; worker log:\n{log.read_text()}")


def test_worker_renders_a_requested_area_report(worker_queue, tmp_path):
    worker, log = worker_queue
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    manager = UserFactory(username="worker-pm", programme_manager=True)
    area = AreaFactory(name="Worker Heights", lead_organisation__name="Heights Community Trust")

    job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=manager, area=area)
    again = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=manager, area=area)
    assert again.pk == job.pk

    job = _wait_for(job, worker, log)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress == 100 and job.attempts == 1 and job.task_id
    with job.file.open("rb") as handle:
        text = pdf_text(handle.read(), tmp_path)
    assert "Worker Heights" in text
    assert "Heights Community Trust" in text
    assert "Page 1 of" in text


def test_worker_imports_an_uploaded_crm_export(worker_queue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from programmes.models import Area, Programme
    from reports.models import ImportJob
    from reports.tests.test_import import HEADER, ROWS

    worker, log = worker_queue
    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    manager = UserFactory(username="worker-importer", programme_manager=True)
    upload = SimpleUploadedFile(
        "crm.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode(), content_type="text/csv"
    )
    job = services.import_request(actor=manager, upload=upload, round_slug="r1")
    job = _wait_for(job, worker, log)
    assert isinstance(job, ImportJob)
    assert job.status == JobStatus.SUCCEEDED, job.error or job.problems
    assert job.summary[0].startswith("Created round R1")
    assert "Rows: 5 created, 0 updated, 0 unchanged." in job.summary
    assert sorted(Area.objects.filter(round__slug="r1").values_list("reference", flat=True)) == [
        "R1-001",
        "R1-002",
        "R1-004",
    ]
    assert f"records_import_job[{job.task_id}] succeeded" in log.read_text()
