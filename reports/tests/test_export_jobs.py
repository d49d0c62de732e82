"""Exports too big for a web request (issue 22): above EXPORT_BACKGROUND_ROWS the export URL asks
a worker for the file and sends the browser to a job page with a progress bar and the download;
a tool is sent to the download URL, which answers 202 until the file is ready. The job's file is
the file the URL would have streamed."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from core.models import OutboxMessage
from grants.tests.factories import AwardFactory
from programmes.tests.factories import AreaFactory
from reports.exports import jobs
from reports.models import ExportJob, JobStatus
from reports.retention import exports_prune

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


@pytest.fixture
def quiet_outbox(django_capture_on_commit_callbacks):
    """Requests commit without sending anything to the broker: the tests run the job's service
    themselves, as the worker would."""
    with django_capture_on_commit_callbacks(execute=False):
        yield


def _streamed(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _downloaded(client, job) -> bytes:
    response = client.get(reverse("reports:export_job_download", args=[job.pk]))
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def _ask_in_background(client, settings, url, **headers) -> tuple[ExportJob, object]:
    settings.EXPORT_BACKGROUND_ROWS = 2
    response = client.get(url, **headers)
    assert response.status_code == 302
    return ExportJob.objects.get(), response


def test_a_small_export_still_streams(client_for, programme_manager, settings):
    AreaFactory.create_batch(2)
    settings.EXPORT_BACKGROUND_ROWS = 2
    response = client_for(programme_manager).get(reverse("reports:export_areas_csv"), **HTML)
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_a_big_areas_csv_is_made_by_a_worker_and_is_the_same_file(
    client_for, programme_manager, settings, quiet_outbox
):
    AreaFactory.create_batch(3)
    client = client_for(programme_manager)
    url = reverse("reports:export_areas_csv") + "?q=&sort="
    job, response = _ask_in_background(client, settings, url, **HTML)
    assert response.url == reverse("reports:export_job", args=[job.pk])
    assert job.status == JobStatus.QUEUED and job.export == "areas" and job.fmt == "csv"
    assert job.params == ""  # empty filters are left out, so the same list is the same job
    assert OutboxMessage.objects.filter(task="reports.tasks.export_generate", args=[job.pk])
    assert ActivityEntry.objects.filter(verb="export.requested", actor=programme_manager)

    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 rows is too many to send at once" in text
    assert "Your export of the areas list (CSV) is queued" in text
    assert reverse("reports:export_job_progress", args=[job.pk]) in text
    # The Reports page lists no exports, so the page does not send people there to find it.
    assert "keep this page's address: the file is kept for 7 days" in text

    done = jobs.export_run(job_id=job.pk)
    assert done.status == JobStatus.SUCCEEDED and done.rows == 3 and done.progress == 100
    progress = client.get(reverse("reports:export_job_progress", args=[job.pk])).content.decode()
    assert "Download the CSV file" in progress and "hx-get" not in progress

    body = _downloaded(client, done)
    settings.EXPORT_BACKGROUND_ROWS = 1000
    assert body == _streamed(client, url)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[0][0] == "Reference"


def test_the_job_keeps_the_list_filters(client_for, programme_manager, settings, quiet_outbox):
    AreaFactory.create_batch(3, local_authority="York")
    AreaFactory.create_batch(2, local_authority="Leeds")
    client = client_for(programme_manager)
    url = reverse("reports:export_areas_xlsx") + "?local_authority=York"
    job, _ = _ask_in_background(client, settings, url, **HTML)
    assert job.params == "local_authority=York"
    jobs.export_run(job_id=job.pk)
    sheet = load_workbook(io.BytesIO(_downloaded(client, job))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert {row[5] for row in rows[1:]} == {"York"}


def test_a_tool_waits_on_the_download_url_then_gets_the_file(
    client_for, programme_manager, settings, quiet_outbox
):
    award = AwardFactory()
    AwardFactory.create_batch(2, area__round=award.area.round)
    client = client_for(programme_manager)
    url = reverse("reports:export_360giving_json")
    job, response = _ask_in_background(client, settings, url, HTTP_ACCEPT="application/json")
    download = reverse("reports:export_job_download", args=[job.pk])
    assert response.url == download
    waiting = client.get(download)
    assert waiting.status_code == 202 and waiting["Retry-After"] == "5"
    assert waiting.json()["status"] == "queued"
    jobs.export_run(job_id=job.pk)
    body = _downloaded(client, job)
    settings.EXPORT_BACKGROUND_ROWS = 1000
    assert json.loads(body) == json.loads(_streamed(client, url))
    assert len(json.loads(body)["grants"]) == 3


def test_asking_twice_gets_the_job_under_way(client_for, programme_manager, settings, quiet_outbox):
    AreaFactory.create_batch(3)
    client = client_for(programme_manager)
    settings.EXPORT_BACKGROUND_ROWS = 2
    first = client.get(reverse("reports:export_areas_csv"), **HTML)
    second = client.get(reverse("reports:export_areas_csv"), **HTML)
    assert first.url == second.url and ExportJob.objects.count() == 1


def test_an_export_job_is_its_requesters_alone(
    client_for, programme_manager, admin_user, settings, quiet_outbox
):
    AreaFactory.create_batch(3)
    job, _ = _ask_in_background(
        client_for(programme_manager), settings, reverse("reports:export_areas_csv"), **HTML
    )
    jobs.export_run(job_id=job.pk)
    other = client_for(admin_user)
    for name in ("export_job", "export_job_progress", "export_job_download"):
        assert other.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404


def test_a_requester_who_may_no_longer_export_gets_a_failed_job_with_the_reason_and_a_retry(
    client_for, settings, quiet_outbox
):
    manager = UserFactory(programme_manager=True)
    AreaFactory.create_batch(3)
    client = client_for(manager)
    job, _ = _ask_in_background(client, settings, reverse("reports:export_areas_csv"), **HTML)
    manager.role = Role.RELATIONSHIP_MANAGER
    manager.save()
    failed = jobs.export_run(job_id=job.pk)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "Only programme managers and admins can export data."
    conflict = client.get(reverse("reports:export_job_download", args=[job.pk]))
    assert conflict.status_code == 409 and "programme managers" in conflict.json()["error"]
    assert "Retry" in client.get(reverse("reports:export_job", args=[job.pk])).content.decode()


def test_a_failed_export_can_be_retried(client_for, programme_manager, settings, quiet_outbox):
    AreaFactory.create_batch(3)
    client = client_for(programme_manager)
    job, _ = _ask_in_background(client, settings, reverse("reports:export_areas_csv"), **HTML)
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="The disk filled")
    response = client.post(reverse("reports:export_job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0
    assert ActivityEntry.objects.filter(verb="export.retried").exists()
    assert jobs.export_run(job_id=job.pk).status == JobStatus.SUCCEEDED


@pytest.mark.parametrize("count", [3, 9])
def test_asking_for_a_big_export_runs_the_same_queries_however_many_rows(
    client_for, programme_manager, settings, quiet_outbox, django_assert_max_num_queries, count
):
    AreaFactory.create_batch(count)
    client = client_for(programme_manager)
    settings.EXPORT_BACKGROUND_ROWS = 2
    client.get(reverse("reports:export_areas_csv"), **HTML)  # warm the session and caches
    ExportJob.objects.all().delete()
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("reports:export_areas_csv"), **HTML)
    test_asking_for_a_big_export_runs_the_same_queries_however_many_rows.counts[count] = len(
        captured
    )
    counts = test_asking_for_a_big_export_runs_the_same_queries_however_many_rows.counts
    if len(counts) == 2:
        assert counts[3] == counts[9]


test_asking_for_a_big_export_runs_the_same_queries_however_many_rows.counts = {}


def test_finished_exports_are_pruned_with_their_files(
    client_for, programme_manager, settings, quiet_outbox
):
    AreaFactory.create_batch(3)
    job, _ = _ask_in_background(
        client_for(programme_manager), settings, reverse("reports:export_areas_csv"), **HTML
    )
    done = jobs.export_run(job_id=job.pk)
    storage, name = done.file.storage, done.file.name
    assert storage.exists(name)
    assert exports_prune(done.finished_at) == 0
    assert exports_prune(timezone.now()) == 1
    assert not storage.exists(name) and not ExportJob.objects.exists()
