"""The one check for uploaded files, and storing them safely.

Every file field in the app (plan attachments, stage-gate evidence, CSV imports) calls
`check_upload`: the type comes from the content (the `filetype` library, then a structural check:
a PDF has a version header and an end-of-file marker, an Office file is a zip holding
``[Content_Types].xml`` and its ``word/``, ``xl/`` or ``ppt/`` folder, an OpenDocument file names
its type in ``mimetype``), and the name's extension must agree with it. Zip-based files are opened
without extracting: their entry count and total uncompressed size are capped, so a zip bomb is
refused before anyone opens it. Text (CSV) must be UTF-8 without NUL bytes and must not be HTML.

Files are stored under a generated name (`stored_name`); the original name is kept only as display
text (`display_name`, any Unicode, cut to the column's size). `store_then` deletes the stored file
again when the database write that follows fails, so a refused upload leaves nothing behind.
Downloads go through permission-checked views that send ``Content-Disposition: attachment``.
"""

import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 10 * MB
# An Office document of 10 MB holds at most a few tens of MB of XML; 100 MB or 2,000 entries is
# generous for real documents and far below a zip bomb (a 200 MB bomb is refused).
MAX_UNCOMPRESSED_BYTES = 100 * MB
MAX_ZIP_ENTRIES = 2000
_HTML = re.compile(rb"<\s*(!doctype|html|script|body|iframe|svg|head)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


KINDS = {
    k.extension: k
    for k in (
        FileKind("pdf", "application/pdf", "PDF"),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (DOCX)",
        ),
        FileKind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (XLSX)",
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint (PPTX)",
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", "ODT"),
        FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
        FileKind("png", "image/png", "PNG"),
        FileKind("jpg", "image/jpeg", "JPEG"),
        FileKind("jpeg", "image/jpeg", "JPEG"),
        FileKind("csv", "text/csv", "CSV"),
        FileKind("txt", "text/plain", "plain text"),
    )
}
DOCUMENTS = ("pdf", "docx", "xlsx", "odt")
_OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_OPEN_DOCUMENT = {"odt": KINDS["odt"].content_type, "ods": KINDS["ods"].content_type}


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    original_name: str
    size: int


def allowed_labels(allowed: Iterable[str]) -> str:
    labels = list(dict.fromkeys(KINDS[e].label for e in allowed))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def accept_attribute(allowed: Iterable[str]) -> str:
    """The file input's accept="" value (a hint for the picker; the server still checks)."""
    return ",".join(f".{e}" for e in allowed)


def check_upload(
    uploaded_file, *, allowed: Iterable[str] = DOCUMENTS, max_bytes: int = MAX_UPLOAD_BYTES
) -> CheckedUpload:
    """Check an uploaded file by its content. Raises ValidationError with a message for the user
    (no field: callers put it on theirs). The file is rewound afterwards."""
    allowed = tuple(allowed)
    name = PurePath(uploaded_file.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(f"Upload a {allowed_labels(allowed)} file.")
    size = uploaded_file.size
    if size > max_bytes:
        raise ValidationError(
            f"The file is {size / MB:.1f} MB; the limit is {max_bytes // MB} MB.", code="too_big"
        )
    if not size:
        raise ValidationError("The file is empty.")
    try:
        _check_content(uploaded_file, extension)
    finally:
        uploaded_file.seek(0)
    return CheckedUpload(kind=KINDS[extension], original_name=name, size=size)


def _check_content(uploaded_file, extension: str) -> None:
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    label = KINDS[extension].label
    not_real = ValidationError(f"This file's content is not a real {label}; it cannot be accepted.")
    if extension in ("csv", "txt"):
        _check_text(uploaded_file, head, not_real)
        return
    if _HTML.search(head):
        raise not_real
    guess = filetype.guess(head)
    detected = guess.extension if guess else None
    if extension == "pdf":
        _check_pdf(uploaded_file, head, detected, not_real)
    elif extension in ("png", "jpg", "jpeg"):
        if detected != ("png" if extension == "png" else "jpg"):
            raise not_real
    else:
        if detected not in ("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"):
            raise not_real
        uploaded_file.seek(0)
        _check_zip(uploaded_file, extension, not_real)


def _check_pdf(uploaded_file, head: bytes, detected, not_real) -> None:
    if detected != "pdf" or not re.match(rb"%PDF-\d\.\d", head):
        raise not_real
    # A real PDF ends with an end-of-file marker (possibly followed by a little whitespace).
    uploaded_file.seek(max(uploaded_file.size - 2048, 0))
    if b"%%EOF" not in uploaded_file.read():
        raise not_real


def _check_text(uploaded_file, head: bytes, not_real) -> None:
    uploaded_file.seek(0)
    data = uploaded_file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
    if "\x00" in text or _HTML.search(head):
        raise not_real


def _check_zip(uploaded_file, extension: str, not_real) -> None:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ValidationError(
                    f"The file holds {len(entries):,} parts; the limit is {MAX_ZIP_ENTRIES:,}.",
                    code="zip_bomb",
                )
            total = sum(e.file_size for e in entries)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(
                    f"The file unpacks to {total / MB:,.0f} MB; the limit is "
                    f"{MAX_UNCOMPRESSED_BYTES // MB} MB.",
                    code="zip_bomb",
                )
            names = {e.filename for e in entries}
            if extension in _OFFICE_FOLDERS:
                folder = _OFFICE_FOLDERS[extension]
                if "[Content_Types].xml" not in names or not any(
                    n.startswith(folder) for n in names
                ):
                    raise not_real
            elif extension in _OPEN_DOCUMENT:
                if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                    raise not_real
                if archive.read("mimetype").decode("ascii", "replace") != _OPEN_DOCUMENT[extension]:
                    raise not_real
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise not_real


# Names ---------------------------------------------------------------------------------------


def display_name(name: str, max_length: int) -> str:
    """The original file name as display text: any Unicode, control characters and folders removed,
    normalised, and cut to `max_length` characters keeping the extension ("very-long…name.pdf")."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "file"
    if len(name) <= max_length:
        return name
    suffix = PurePath(name).suffix
    if len(suffix) > max_length // 2:
        suffix = ""
    return name[: max_length - len(suffix) - 1].rstrip() + "…" + suffix


def stored_name(folder: str, extension: str) -> str:
    """A generated storage path: the user's file name never reaches the file system."""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}.{extension.lower()}"


# Storing -------------------------------------------------------------------------------------


def store_then(storage, name: str, content, write: Callable[[str], object]):
    """Save `content` to `storage` under `name`, then run `write(saved_name)` (the database write)
    in its own transaction. If `write` raises or the commit fails, the stored file is deleted
    again, so a failed upload leaves no file behind. Call it outside any transaction: Django has
    no rollback hook, so a file stored inside an outer transaction that later rolls back would
    outlive it."""
    saved = storage.save(name, content)
    try:
        with transaction.atomic():
            return write(saved)
    except BaseException:
        discard(storage, saved)
        raise


def discard(storage, name: str) -> None:
    """Delete a stored file, ignoring one already gone."""
    with suppress(OSError):
        storage.delete(name)
