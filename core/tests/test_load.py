"""The load test in short (bench/load/ has the full one: 30 people for 60 s): gunicorn and two
Celery workers on loopback, 5 simulated people for 10 s of mixed journeys with writes and report
requests. No server errors, and every write the site acknowledged is in the database."""

import os
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from reports.models import JobStatus, ReportJob
from reports.tests.test_worker import _database_url
from support.models import SupportContact

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench" / "load"))

import driver  # noqa: E402
import stack  # noqa: E402

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_short_load_has_no_server_errors_and_loses_no_write(tmp_path):
    url = _database_url()
    if url is None:
        pytest.skip("The load test needs a database other processes can open (PostgreSQL).")
    logins = []
    for name in ("load-rm1", "load-rm2"):
        user = UserFactory(username=name, relationship_manager=True)
        for _ in range(3):
            AreaAssignmentFactory(user=user)
        logins.append((name, "correct-horse-battery"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.test",
        "DATABASE_URL": url,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_QUEUE": f"load-{uuid.uuid4().hex[:10]}",
    }
    port = stack.free_port()
    procs = stack.start(env, tmp_path / "stack", port=port)
    try:
        summary = driver.run_load(
            base=f"http://127.0.0.1:{port}",
            logins=logins,
            users=5,
            seconds=10,
        )
        deadline = time.monotonic() + 120
        while (
            time.monotonic() < deadline
            and ReportJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists()
        ):
            time.sleep(1)
    finally:
        stack.stop(procs)
    assert summary["people_logged_in"] == 5, summary
    if summary["server_errors"] or summary["transport_errors"]:
        logs = "\n".join(
            f"--- {log.name}\n" + log.read_text()[-6000:]
            for log in sorted((tmp_path / "stack").glob("*.log"))
        )
        pytest.fail(f"{summary}\n{summary.get('problems')}\n{logs}")
    assert summary["writes_acknowledged"] > 0
    found = SupportContact.objects.filter(notes__startswith=summary["marker"]).count()
    assert found == summary["writes_acknowledged"], summary
    assert not ReportJob.objects.exclude(status=JobStatus.SUCCEEDED).exists()
