"""Attachments: only PDF, DOCX, XLSX and ODT up to 10 MB; never served outside the area."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services
from plans.models import MAX_ATTACHMENT_BYTES, PlanAttachment
from programmes.tests.factories import AreaFactory

from .factories import lead_member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
DOCX = b"PK\x03\x04" + b"\x00" * 20


def _upload(area, user, name, content):
    return services.attachment_add(
        area=area, user=user, uploaded_file=SimpleUploadedFile(name, content), title=""
    )


@pytest.mark.parametrize(
    "name,content", [("plan.pdf", PDF), ("budget.xlsx", DOCX), ("a.docx", DOCX), ("b.odt", DOCX)]
)
def test_allowed_types_are_stored_privately(gg_area, author, name, content, settings):
    attachment = _upload(gg_area, author, name, content)
    assert attachment.filename == name
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    stored = Path(path)
    assert stored.name != name and len(stored.stem) == 32  # stored under a random name


@pytest.mark.parametrize("name", ["plan.exe", "photo.jpg", "notes.txt", "macro.docm"])
def test_wrong_type_refused(gg_area, author, name):
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, name, PDF)
    assert "PDF, Word (DOCX), Excel (XLSX) or ODT" in str(exc.value)
    assert not PlanAttachment.objects.exists()


def test_renamed_file_refused(gg_area, author):
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "report.pdf", b"MZ\x90\x00 not a pdf")
    assert "not a real PDF" in str(exc.value)


def test_too_large_refused(gg_area, author):
    big = PDF + b"0" * MAX_ATTACHMENT_BYTES
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "big.pdf", big)
    assert "the limit is 10 MB" in str(exc.value)


def test_exactly_the_limit_is_accepted(gg_area, author):
    content = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert _upload(gg_area, author, "limit.pdf", content).size == MAX_ATTACHMENT_BYTES


class TestDownload:
    @pytest.fixture
    def attachment(self, gg_area, author):
        return _upload(gg_area, author, "plan.pdf", PDF)

    def _url(self, a):
        return reverse("plans:attachment_download", args=[a.area.reference, a.pk])

    def test_anonymous_redirected_to_login(self, client, attachment):
        response = client.get(self._url(attachment))
        assert response.status_code == 302 and "/login" in response["Location"]

    def test_other_areas_user_gets_404(self, client_for, attachment):
        outsider = lead_member_of(AreaFactory(), username="outsider")
        assert client_for(outsider).get(self._url(attachment)).status_code == 404

    def test_other_areas_url_with_this_pk_gets_404(self, client_for, attachment):
        other = AreaFactory()
        outsider = lead_member_of(other, username="outsider")
        url = reverse("plans:attachment_download", args=[other.reference, attachment.pk])
        assert client_for(outsider).get(url).status_code == 404

    def test_author_and_staff_download(self, client_for, attachment, author, pm):
        for user in (author, pm):
            response = client_for(user).get(self._url(attachment))
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert 'filename="plan.pdf"' in response["Content-Disposition"]

    def test_upload_view_shows_refusal(self, client_for, gg_area, author):
        url = reverse("plans:attachment_upload", args=[gg_area.reference])
        response = client_for(author).post(
            url,
            {"document": "plan", "file": SimpleUploadedFile("x.txt", b"hello")},
            follow=True,
        )
        assert (
            "Upload a PDF, Word (DOCX), Excel (XLSX) or ODT document." in response.content.decode()
        )
        assert not PlanAttachment.objects.exists()
