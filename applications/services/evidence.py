"""Stage-gate evidence files (development strategy, logic model): checked by content with
core.uploads, stored under a generated name before the gate's transaction, and deleted again if
that transaction fails, so a refused or failed upload leaves no file behind."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction

from core import uploads

from ..models import EVIDENCE_EXTENSIONS, EVIDENCE_MAX_BYTES, GateApplication

EVIDENCE_FIELDS = ("development_strategy", "logic_model")


def evidence_check(files: dict) -> dict:
    """The checked uploads by field; a ValidationError names every refused field."""
    checked, errors = {}, {}
    for field, upload in files.items():
        if not upload:
            continue
        try:
            checked[field] = uploads.check_upload(
                upload, allowed=EVIDENCE_EXTENSIONS, max_bytes=EVIDENCE_MAX_BYTES
            )
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return checked


def _storage():
    return GateApplication._meta.get_field("development_strategy").storage


@contextmanager
def evidence_stored(*, area, files: dict) -> Iterator[dict]:
    """Check and store the uploaded evidence; yields {field: (stored name, display name)}. If the
    block raises (the gate's write failed or was refused), the stored files are deleted."""
    checked = evidence_check(files)
    storage, stored = _storage(), {}
    try:
        for field, info in checked.items():
            name_max = GateApplication._meta.get_field(f"{field}_name").max_length
            path = uploads.stored_name(f"gates/{area.pk}", info.kind.extension)
            saved = storage.save(path, files[field])
            stored[field] = (saved, uploads.display_name(info.original_name, name_max))
        yield stored
    except BaseException:
        for saved, _ in stored.values():
            uploads.discard(storage, saved)
        raise


def evidence_apply(gate: GateApplication, stored: dict) -> None:
    """Point the gate at the stored files; files they replace are deleted once the change
    commits."""
    storage = _storage()
    for field, (saved, display) in stored.items():
        old = getattr(gate, field).name
        setattr(gate, field, saved)
        setattr(gate, f"{field}_name", display)
        if old and old != saved:
            transaction.on_commit(lambda old=old: uploads.discard(storage, old))
