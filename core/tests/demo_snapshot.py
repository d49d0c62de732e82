"""The demo programme for tests, loaded by the real `load_demo` command once per test process
and then put back row for row.

Loading the demo runs every service it uses (about 22,000 queries, half a minute of CPU); some
thirty tests start from it (every browser journey, the demo's own checks, the access matrix).
The first of them in each test process (each xdist worker has a database of its own) runs the
real command and keeps a copy of every table's rows and of the files it stored; the later ones,
starting from the same database state on the same day, get that copy written back: every table
emptied and refilled in one transaction (foreign keys are checked at its end), sequences moved
past the keys put back, the content-type cache cleared. What a test then finds is exactly what
the command made in that process, so it checks the real demo; `demo/tests/test_load_demo.py`
runs the command itself, twice, to test the command.

The copy is made, and used, only when the database holds nothing but reference data (content
types, permissions, themes, the standard programme, the figures' data version: whichever of them
a flush and the reference data put back after it left), and on the same date: putting the copy
back replaces those tables too, so what came before does not matter. Anything else (a test that
made rows of its own first, a test that moved the clock to another day) gets the real command.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, models, transaction
from django.utils import timezone


@dataclass
class _Copy:
    tables: dict[str, tuple[list[str], object]] = field(default_factory=dict)
    files: dict[Path, bytes] = field(default_factory=dict)


_copies: dict[tuple, _Copy] = {}

# The tables that may hold rows when the copy is made or used: what the migrations seed, and the
# data version any write bumps.
REFERENCE_TABLES = frozenset(
    {
        "auth_permission",
        "django_content_type",
        "programmes_programme",
        "programmes_theme",
        "reports_dataversion",
    }
)


def load_demo_for_test() -> None:
    """The demo programme in the test database, as `manage.py load_demo` makes it."""
    key = (connection.vendor, connection.settings_dict["NAME"], timezone.localdate())
    reference_only = _filled() <= REFERENCE_TABLES
    copy = _copies.get(key) if reference_only else None
    if copy is not None:
        _put_back(copy)
        return
    if reference_only:
        # A flush that nothing restored after it (serialized rollback does not always, under
        # xdist) leaves content types and permissions to be made one by one as models are used:
        # the copy would keep that partial set and hand it to every later test. Make them all
        # first, as migrate does, so the copy always holds the whole reference data.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    files_before = set(_stored_files())
    call_command("load_demo", verbosity=0)
    if not reference_only:
        return
    copy = _Copy(tables={table: _read(table, columns) for table, columns in _tables().items()})
    for path in set(_stored_files()) - files_before:
        copy.files[path] = path.read_bytes()
    _copies[key] = copy


def _tables() -> dict[str, list[str]]:
    """Every table of the project's models (and their many-to-many tables) with the columns
    written to it: generated columns are left to the database."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in tables:
            continue
        tables[meta.db_table] = [
            f.column for f in meta.concrete_fields if not isinstance(f, models.GeneratedField)
        ]
    return dict(sorted(tables.items()))


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _filled() -> frozenset[str]:
    """The tables that hold at least one row, in one query."""
    tables = list(_tables())
    sql = " UNION ALL ".join(
        f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {_quote(table)})"
        for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return frozenset(tables[index] for (index,) in cursor.fetchall())


def _read(table: str, columns: list[str]):
    names = ", ".join(_quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            cursor.copy_expert(f"COPY {_quote(table)} ({names}) TO STDOUT", buffer)
            return columns, buffer.getvalue()
        cursor.execute(f"SELECT {names} FROM {_quote(table)}")
        return columns, [tuple(_plain(v) for v in row) for row in cursor.fetchall()]


def _plain(value):
    # SQLite hands back dates, times and flags converted; store them as Django writes them.
    if isinstance(value, datetime.time):
        return value.isoformat()
    return value


def _put_back(copy: _Copy) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in copy.tables:
            cursor.execute(f"DELETE FROM {_quote(table)}")
        for table, (columns, rows) in copy.tables.items():
            if not rows:
                continue
            names = ", ".join(_quote(c) for c in columns)
            if connection.vendor == "postgresql":
                cursor.copy_expert(f"COPY {_quote(table)} ({names}) FROM STDIN", io.StringIO(rows))
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)
        _sequences_past_the_keys(cursor)
    ContentType.objects.clear_cache()
    for path, content in copy.files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def _sequences_past_the_keys(cursor) -> None:
    """Each key sequence past the largest key put back, and never lower than it was: PostgreSQL's
    sequences are outside the test's transaction, so a sequence moved back to the copy's keys
    would stay there after the rollback brings back rows with higher keys, and the next row
    added would take a key already in use."""
    models_with_keys = apps.get_models(include_auto_created=True)
    if connection.vendor != "postgresql":
        # SQLite hands out the largest rowid plus one: nothing to move.
        for sql in connection.ops.sequence_reset_sql(no_style(), models_with_keys):
            cursor.execute(sql)
        return
    for model in models_with_keys:
        meta = model._meta
        pk = meta.pk
        if (
            not meta.managed
            or meta.proxy
            or pk.get_internal_type()
            not in (
                "AutoField",
                "BigAutoField",
                "SmallAutoField",
            )
        ):
            continue
        table, column = _quote(meta.db_table), _quote(pk.column)
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, pk.column])
        (sequence,) = cursor.fetchone()
        if not sequence:
            continue
        cursor.execute(
            f"SELECT setval(%s, GREATEST((SELECT last_value FROM {sequence}), "
            f"(SELECT COALESCE(MAX({column}), 1) FROM {table})))",
            [sequence],
        )


def _stored_files():
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    return (p for p in root.rglob("*") if p.is_file()) if root.exists() else ()
