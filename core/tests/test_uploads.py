"""core.uploads: the one content check for every file field."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from core.tests import sample_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def _check(name, content, allowed=uploads.DOCUMENTS, **kwargs):
    return uploads.check_upload(SimpleUploadedFile(name, content), allowed=allowed, **kwargs)


@pytest.mark.parametrize(
    "name,content",
    [
        ("a.pdf", sample_files.PDF),
        ("a.docx", sample_files.docx()),
        ("a.xlsx", sample_files.xlsx()),
        ("a.odt", sample_files.odt()),
        ("A.PDF", sample_files.PDF),
    ],
)
def test_real_documents_pass(name, content):
    assert _check(name, content).size == len(content)


@pytest.mark.parametrize(
    "name,content",
    [
        ("a.pdf", sample_files.HTML),
        ("a.pdf", sample_files.HTML_AS_PDF),
        ("a.pdf", b"%PDF-1.4\nno end marker"),
        ("a.docx", sample_files.xlsx()),  # an XLSX renamed .docx
        ("a.xlsx", sample_files.docx()),
        ("a.odt", sample_files.docx()),
        ("a.docx", b"PK\x03\x04" + b"\x00" * 20),  # zip magic, no zip
        ("a.docx", sample_files.PDF),
    ],
)
def test_disguised_content_is_refused(name, content):
    with pytest.raises(ValidationError, match="not a real"):
        _check(name, content)


def test_extension_outside_the_allowed_list_is_refused():
    with pytest.raises(ValidationError, match="Upload a PDF, Word \\(DOCX\\), Excel"):
        _check("a.exe", b"MZ")


def test_images_and_text_where_allowed():
    images = ("png", "jpg", "jpeg")
    assert _check("a.png", PNG, images).kind.content_type == "image/png"
    assert _check("a.jpg", JPEG, images).kind.content_type == "image/jpeg"
    with pytest.raises(ValidationError):
        _check("a.png", JPEG, images)
    assert _check("a.csv", "name,amount\nÉcole,3\n".encode(), ("csv",)).kind.extension == "csv"
    with pytest.raises(ValidationError, match="not UTF-8"):
        _check("a.csv", b"name\n\xff\xfe", ("csv",))
    with pytest.raises(ValidationError, match="not a real CSV"):
        _check("a.csv", sample_files.HTML, ("csv",))


def test_too_many_zip_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(uploads.MAX_ZIP_ENTRIES):
            archive.writestr(f"word/{n}.xml", "")
    with pytest.raises(ValidationError, match="parts; the limit is 2,000"):
        _check("a.docx", buffer.getvalue())


def test_size_limit_and_empty_file():
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        _check("a.pdf", b"%PDF-1.4\n" + b"0" * uploads.MB + b"%%EOF", max_bytes=uploads.MB)
    with pytest.raises(ValidationError, match="empty"):
        _check("a.pdf", b"")


@pytest.mark.parametrize("limit", [10, 40, 200])
def test_display_name_is_cut_safely_keeping_the_extension(limit):
    name = "Rapport été " + "é" * 300 + ".docx"
    shown = uploads.display_name(name, limit)
    assert len(shown) <= limit and shown.endswith("….docx")
    assert uploads.display_name("../../etc/pass\x00wd.pdf", 255) == "passwd.pdf"
    assert uploads.display_name("short.pdf", limit) == "short.pdf"


def test_stored_names_are_generated():
    first, second = uploads.stored_name("plans/1", "PDF"), uploads.stored_name("plans/1", "pdf")
    assert first != second and first.startswith("plans/1/") and first.endswith(".pdf")
    assert len(first.rsplit("/", 1)[1]) == 32 + 4
