"""Issue 22: with the web process and the worker on different machines (each its own disk and
PRIVATE_STORAGE_ROOT), a report the worker makes must download through the web process. Seen: on
local folders the job page offered a link that answered 404. With the private storage set to a
shared bucket (AWS_STORAGE_BUCKET_NAME, on a real S3-compatible server started for the tests)
both see the same files. "The worker" and "the web" are this process under two settings objects:
the task function runs under one, the download view under the other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests.s3_server import private_storage_settings
from reports import services, tasks
from reports.models import JobStatus
from reports.tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def _made_by_the_worker(settings, root, area, manager):
    private_storage_settings(settings, root=root)
    job = ReportJobFactory(area=area, requested_by=manager)
    assert tasks.report_generate.run(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.file.name
    return job


def test_a_report_made_by_the_worker_downloads_through_the_web_from_the_shared_bucket(
    s3_private_storage, settings, tmp_path, area, programme_manager, client_for
):
    job = _made_by_the_worker(settings, tmp_path / "worker-disk", area, programme_manager)
    key = f"private/{job.file.name}"
    assert s3_private_storage.keys() == [key]
    assert not (tmp_path / "worker-disk").exists()  # nothing written to the worker's own disk

    # The web process: another disk, the same bucket.
    private_storage_settings(settings, root=tmp_path / "web-disk")
    page = client_for(programme_manager).get(reverse("reports:job_detail", args=[job.pk]))
    download = reverse("reports:job_download", args=[job.pk])
    assert download in page.content.decode()
    response = client_for(programme_manager).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and body == s3_private_storage.read(key)


def test_the_bucket_is_behind_the_permission_check(
    s3_private_storage, settings, tmp_path, area, other_area, programme_manager, client, client_for
):
    from accounts.tests.factories import MembershipFactory, UserFactory

    job = _made_by_the_worker(settings, tmp_path / "worker-disk", area, programme_manager)
    download = reverse("reports:job_download", args=[job.pk])
    assert client.get(download).status_code == 302  # to the sign-in page
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, organisation=other_area.lead_organisation)
    assert client_for(outsider).get(download).status_code == 404


def test_on_separate_local_folders_the_download_is_missing(
    settings, tmp_path, area, programme_manager, client_for
):
    # The seen failure, on the default storage: the worker wrote to its own disk, which the web
    # process cannot see. It answers 404 (never a 500); a shared bucket is the cure (above).
    job = _made_by_the_worker(settings, tmp_path / "worker-disk", area, programme_manager)
    assert (tmp_path / "worker-disk" / job.file.name).read_bytes().startswith(b"%PDF")
    private_storage_settings(settings, root=tmp_path / "web-disk")
    response = client_for(programme_manager).get(reverse("reports:job_download", args=[job.pk]))
    assert response.status_code == 404


def test_an_import_uploaded_on_the_web_is_read_by_the_worker_from_the_bucket(
    s3_private_storage, settings, tmp_path, programme_manager
):
    from programmes.models import Area, Programme
    from reports.tests.test_import import HEADER, ROWS

    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    private_storage_settings(settings, root=tmp_path / "web-disk")
    upload = SimpleUploadedFile("crm.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode())
    job = services.import_request(actor=programme_manager, upload=upload, round_slug="r1")
    assert s3_private_storage.keys() == [f"private/{job.file.name}"]

    private_storage_settings(settings, root=tmp_path / "worker-disk")
    assert tasks.records_import_job.run(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.summary[-2].startswith("Rows: 5 created")
    assert Area.objects.filter(reference="R1-001").exists()
