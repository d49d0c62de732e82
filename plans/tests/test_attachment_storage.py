"""A plan's documents in a shared bucket (issue 22): uploaded through the page, kept in the private
storage's bucket on a real S3-compatible server (nothing on this machine's disk), served only by
the permission-checked download, and deleted from the bucket when removed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests.sample_files import PDF
from plans.models import PlanAttachment
from programmes.tests.factories import AreaFactory

from .factories import lead_member_of

pytestmark = pytest.mark.django_db


def test_a_document_uploaded_to_the_bucket_downloads_through_the_permission_check(
    s3_private_storage, settings, gg_area, author, client_for, django_capture_on_commit_callbacks
):
    response = client_for(author).post(
        reverse("plans:attachment_upload", args=[gg_area.reference]),
        {"document": "plan", "file": SimpleUploadedFile("Budget 2026.pdf", PDF)},
        follow=True,
    )
    assert response.status_code == 200
    attachment = PlanAttachment.objects.get()
    key = f"private/{attachment.file.name}"
    assert key.startswith(f"private/plans/{gg_area.pk}/")
    assert s3_private_storage.keys() == [key] and s3_private_storage.read(key) == PDF
    assert not settings.PRIVATE_STORAGE_ROOT.exists()  # nothing on this machine's disk

    download = reverse("plans:attachment_download", args=[gg_area.reference, attachment.pk])
    response = client_for(author).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Budget 2026.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    outsider = lead_member_of(AreaFactory(), username="outsider")
    assert client_for(outsider).get(download).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client_for(author).post(
            reverse("plans:attachment_delete", args=[gg_area.reference, attachment.pk])
        )
    assert not PlanAttachment.objects.exists()
    assert s3_private_storage.keys() == []
