"""What the programme holds about one person, declared by each app that holds some (UK GDPR:
subject access and erasure where the law allows).

Each app registers its kinds of record from its AppConfig.ready, as it declares its area panels
in `core.area_panels`, so accounts, which owns the person and the two services
(`accounts.personal_data`), imports none of them. A declaration says how to find the rows held
about a person, which file fields hold documents they uploaded (read back through the storage
API: the files may live in a shared object store), what open work of theirs stops them being
anonymised, and what contact details of theirs the app keeps outside the user row."""

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.db import models


@dataclass(frozen=True)
class PersonalData:
    name: str  # the file name in the export, e.g. "messaging_messages"
    description: str  # one sentence: what these records are
    rows: Callable[..., Iterable[models.Model]]  # (person) -> the records held about them
    exclude: tuple[str, ...] = ()  # fields never exported (a password hash, a secret)
    files: tuple[str, ...] = ()  # file fields holding documents the person uploaded
    # (person) -> sentences naming open work that must be handed over before anonymising
    open_work: Callable[..., list[str]] | None = None
    # (*, person, former, placeholder) -> None: replace the person's contact details held by
    # the app; `former` holds what the user row said before ({"email": ..., "first_name": ...})
    anonymise: Callable[..., None] | None = None


_KINDS: dict[str, PersonalData] = {}


def register(kind: PersonalData) -> None:
    _KINDS[kind.name] = kind


def kinds() -> list[PersonalData]:
    return list(_KINDS.values())


def _value(obj, field):
    if isinstance(field, models.FileField):
        return getattr(obj, field.attname).name or ""
    value = getattr(obj, field.attname)
    return json.loads(json.dumps(value, default=str))


def record_of(obj: models.Model, kind: PersonalData) -> dict:
    """One record as plain JSON values: every concrete field (foreign keys as their ids)."""
    return {
        field.attname: _value(obj, field)
        for field in obj._meta.concrete_fields
        if field.name not in kind.exclude
    }


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    columns = list(records[0]) if records else []
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for record in records:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in record.items()}
        )
    return out.getvalue()


def documents_of(obj: models.Model, kind: PersonalData) -> Iterable[tuple[str, bytes]]:
    """(file name in the export, content) of each document the record holds, read through its
    storage (never a local path). A file missing from storage is skipped."""
    for name in kind.files:
        field_file = getattr(obj, name)
        if not field_file:
            continue
        try:
            with field_file.storage.open(field_file.name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        yield (
            f"documents/{kind.name}/{obj.pk}-{name}-{PurePosixPath(field_file.name).name}",
            content,
        )


def export_files(person) -> Iterable[tuple[str, bytes | str]]:
    """(path in the ZIP, content) of everything held about `person`: per kind of record a JSON
    file and a CSV file, then their documents."""
    summary = []
    for kind in kinds():
        objects = list(kind.rows(person))
        records = [record_of(obj, kind) for obj in objects]
        summary.append(
            {"file": kind.name, "description": kind.description, "records": len(records)}
        )
        yield f"{kind.name}.json", json.dumps(records, indent=2, ensure_ascii=False)
        yield f"{kind.name}.csv", _csv(records)
        for obj in objects:
            yield from documents_of(obj, kind)
    yield "contents.json", json.dumps(summary, indent=2, ensure_ascii=False)


def open_work_of(person) -> list[str]:
    """What the person still holds that someone else must take over first."""
    return [line for kind in kinds() if kind.open_work for line in kind.open_work(person)]


def anonymise_elsewhere(*, person, former: dict, placeholder: str) -> list[str]:
    """Every app replaces the contact details it keeps of `person`; the kinds that did."""
    done = []
    for kind in kinds():
        if kind.anonymise:
            kind.anonymise(person=person, former=former, placeholder=placeholder)
            done.append(kind.name)
    return done
