"""Attachments: only PDF, DOCX, XLSX and ODT up to 10 MB; never served outside the area."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tests import sample_files
from core.tests.sample_files import PDF
from plans import services
from plans.models import MAX_ATTACHMENT_BYTES, PlanAttachment
from programmes.tests.factories import AreaFactory

from .factories import lead_member_of

pytestmark = pytest.mark.django_db

DOCX = sample_files.docx()


def _upload(area, user, name, content):
    return services.attachment_add(
        area=area, actor=user, uploaded_file=SimpleUploadedFile(name, content), title=""
    )


@pytest.mark.parametrize(
    "name,content",
    [
        ("plan.pdf", PDF),
        ("budget.xlsx", sample_files.xlsx()),
        ("a.docx", DOCX),
        ("b.odt", sample_files.odt()),
    ],
)
def test_allowed_types_are_stored_privately(gg_area, author, name, content, settings):
    attachment = _upload(gg_area, author, name, content)
    assert attachment.filename == name
    # In the private storage (test settings: a folder under PRIVATE_STORAGE_ROOT).
    stored = Path(settings.PRIVATE_STORAGE_ROOT) / attachment.file.name
    assert stored.read_bytes() == content
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
    big = b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES + PDF
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "big.pdf", big)
    assert "the limit is 10 MB" in str(exc.value)


def test_exactly_the_limit_is_accepted(gg_area, author):
    content = b"%PDF-1.4\n" + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF)) + PDF[9:]
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
        assert "Upload a PDF, Word (DOCX), Excel (XLSX) or ODT file." in response.content.decode()
        assert not PlanAttachment.objects.exists()


# Issue 11: uploads are checked by content; a refused or failed upload leaves no file behind.


def _stored_files(settings):
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "plans"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_html_starting_with_pdf_magic_is_refused(gg_area, author, settings):
    before = _stored_files(settings)
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "plan.pdf", sample_files.HTML_AS_PDF)
    assert "not a real PDF" in str(exc.value)
    assert not PlanAttachment.objects.exists()
    assert _stored_files(settings) == before


def test_zip_bomb_renamed_docx_is_refused(gg_area, author, settings):
    before = _stored_files(settings)
    bomb = sample_files.zip_bomb_docx(200)
    assert len(bomb) < MAX_ATTACHMENT_BYTES  # small on the wire, 200 MB unpacked
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "plan.docx", bomb)
    assert "unpacks to 200 MB; the limit is 100 MB" in str(exc.value)
    assert not PlanAttachment.objects.exists()
    assert _stored_files(settings) == before


def test_pdf_named_docx_is_refused(gg_area, author):
    with pytest.raises(ValidationError) as exc:
        _upload(gg_area, author, "plan.docx", PDF)
    assert "not a real Word (DOCX)" in str(exc.value)


def test_a_208_character_unicode_name_is_kept_for_display_and_cut_safely(
    gg_area, author, client_for, settings
):
    name = ("Plan d’action – ÉTÉ 2026 " * 10)[:204] + ".pdf"
    assert len(name) == 208
    before = _stored_files(settings)
    url = reverse("plans:attachment_upload", args=[gg_area.reference])
    response = client_for(author).post(
        url, {"document": "plan", "file": SimpleUploadedFile(name, PDF)}, follow=True
    )
    assert response.status_code == 200
    attachment = PlanAttachment.objects.get()
    assert len(attachment.title) <= 200 and attachment.title.endswith("….pdf")
    assert attachment.title.startswith("Plan d’action – ÉTÉ 2026")
    assert attachment.filename == name  # fits the 255-character column whole
    stored = _stored_files(settings)
    assert len(stored) == len(before) + 1
    kept = Path(settings.PRIVATE_STORAGE_ROOT) / attachment.file.name
    assert kept in stored and len(kept.stem) == 32
    download = client_for(author).get(
        reverse("plans:attachment_download", args=[gg_area.reference, attachment.pk])
    )
    assert download["Content-Disposition"].startswith("attachment")


def test_a_failed_database_write_deletes_the_stored_file(gg_area, author, settings, monkeypatch):
    from plans.services import attachments

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(attachments, "activity_record", broken)
    before = _stored_files(settings)
    with pytest.raises(RuntimeError):
        _upload(gg_area, author, "plan.pdf", PDF)
    assert not PlanAttachment.objects.exists()
    assert _stored_files(settings) == before
