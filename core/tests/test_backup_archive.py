"""Backups of everything (issue 22): one archive of the database and the private files, encrypted
with BACKUP_KEY, mode 0600, rotated, restored on a fresh install (a new empty database and an empty
private storage, in another process) with the same rows, the same files and a passing
audit_verify. Runs on whichever database the suite runs on (SQLite by default; PostgreSQL with
DATABASE_URL, where the fresh install gets a database of its own)."""

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from activity.services import activity_record
from core.backups import private_storage, storage_names
from programmes.models import Area
from programmes.tests.factories import AreaFactory
from reports.models import ReportJob
from reports.tests.factories import ReportJobFactory

# Committed data, so pg_dump (another process) sees it.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
KEY = "correct horse battery staple, kept apart from the backups"
KEY_MODELS = [User, Area, ActivityEntry, ReportJob]


def fingerprint() -> dict:
    """Each key table's row count and a checksum of its rows in primary-key order, and every
    private file's SHA-256 (also run in the fresh install's process)."""
    prints = {}
    for model in KEY_MODELS:
        digest = hashlib.sha256()
        rows = model.objects.order_by("pk").values_list()
        for row in rows:
            digest.update(repr(row).encode())
        prints[model._meta.label] = [rows.count(), digest.hexdigest()]
    storage = private_storage()
    files = {}
    for name in storage_names(storage):
        with storage.open(name, "rb") as handle:
            files[name] = hashlib.sha256(handle.read()).hexdigest()
    prints["files"] = files
    return prints


@pytest.fixture
def backups(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEY = KEY
    settings.BACKUP_KEEP = 14
    return settings.BACKUP_DIR


@pytest.fixture
def some_data():
    UserFactory(username="backup-pm", programme_manager=True)
    areas = AreaFactory.create_batch(3)
    for area in areas:
        activity_record(verb="area.note", summary=f"Note on {area.name} — £1,200", area=area)
    ReportJobFactory(succeeded=True, area=areas[0])
    storage = private_storage()
    storage.save("gates/1/evidence-backup-test.pdf", ContentFile(b"%PDF-1.7 evidence " * 500))
    storage.save("attachments/backup-test/notes.txt", ContentFile("Brighton & Hove — £5".encode()))
    return areas


@pytest.fixture
def fresh_install(tmp_path):
    """Environment for another process on an empty database and an empty private storage."""
    storage_root = tmp_path / "fresh-private"
    storage_root.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.test",
        "PRIVATE_STORAGE_ROOT": str(storage_root),
        "BACKUP_KEY": KEY,
    }
    created = None
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        created = f"{db['NAME']}_fresh"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}"')
            cursor.execute(f'CREATE DATABASE "{created}"')
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{created}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    yield env
    if created:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def _in_fresh_install(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_backup_restores_on_a_fresh_install(backups, some_data, fresh_install):
    before = fingerprint()
    assert "gates/1/evidence-backup-test.pdf" in before["files"]
    assert any(name.startswith("reports/") for name in before["files"])

    call_command("database_backup")
    [archive] = list(backups.iterdir())
    assert archive.name.endswith(".tar.enc")

    restored = _in_fresh_install(fresh_install, "manage.py", "database_restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    verified = _in_fresh_install(fresh_install, "manage.py", "audit_verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "verified" in verified.stdout
    script = (
        "import django, json; django.setup(); "
        "from core.tests.test_backup_archive import fingerprint; print(json.dumps(fingerprint()))"
    )
    after = _in_fresh_install(fresh_install, "-c", script)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == before


def test_restore_puts_back_rows_and_files_changed_since(backups, some_data):
    before = fingerprint()
    call_command("database_backup")
    storage = private_storage()
    storage.delete("gates/1/evidence-backup-test.pdf")
    Area.objects.filter(pk=some_data[0].pk).update(name="Renamed after the backup")
    AreaFactory()
    assert fingerprint() != before

    call_command("database_restore")  # the newest in BACKUP_DIR

    assert fingerprint() == before


def test_a_wrong_key_is_refused_and_nothing_is_replaced(backups, some_data, settings):
    call_command("database_backup")
    [archive] = list(backups.iterdir())
    added_after = AreaFactory()
    settings.BACKUP_KEY = "not the key it was made with"

    with pytest.raises(CommandError) as refused:
        call_command("database_restore", str(archive))

    assert "the key is wrong" in str(refused.value)
    assert "[cannot_decrypt]" in str(refused.value)
    assert Area.objects.filter(pk=added_after.pk).exists()


def test_an_encrypted_backup_without_a_key_is_refused(backups, some_data, settings):
    call_command("database_backup")
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match=r"set BACKUP_KEY.*\[key_missing\]"):
        call_command("database_restore")


def test_a_cut_short_backup_is_refused(backups, some_data):
    call_command("database_backup")
    [archive] = list(backups.iterdir())
    archive.write_bytes(archive.read_bytes()[:-100])
    added_after = AreaFactory()

    with pytest.raises(CommandError, match="cut short"):
        call_command("database_restore", str(archive))

    assert Area.objects.filter(pk=added_after.pk).exists()


def test_the_backup_file_is_readable_by_its_owner_only(backups, some_data, tmp_path):
    call_command("database_backup")
    [archive] = list(backups.iterdir())
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    named = tmp_path / "elsewhere" / "named-backup"
    call_command("database_backup", output=str(named))
    assert stat.S_IMODE(named.stat().st_mode) == 0o600


def test_the_archive_is_not_readable_without_the_key(backups, some_data):
    call_command("database_backup")
    [archive] = list(backups.iterdir())
    content = archive.read_bytes()
    assert b"evidence" not in content and b"SQLite format" not in content
    assert b"PGDMP" not in content and b"manifest.json" not in content


def test_without_a_key_a_laptop_writes_unencrypted_with_a_warning(backups, settings, caplog):
    settings.BACKUP_KEY = ""
    settings.BACKUP_ALLOW_UNENCRYPTED = True
    AreaFactory()
    call_command("database_backup")
    [archive] = list(backups.iterdir())
    assert archive.name.endswith(".tar")
    assert "unencrypted" in caplog.text
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    before = fingerprint()
    AreaFactory()
    call_command("database_restore", str(archive))
    assert fingerprint() == before


def test_production_refuses_an_unencrypted_backup(backups, settings):
    settings.BACKUP_KEY = ""
    settings.BACKUP_ALLOW_UNENCRYPTED = False  # production's default
    with pytest.raises(CommandError, match=r"\[key_missing\]"):
        call_command("database_backup")
    assert not backups.exists() or not list(backups.iterdir())


def test_rotation_keeps_the_newest(backups, settings):
    settings.BACKUP_KEEP = 3
    backups.mkdir()
    older = [
        "ourplace-20250101-020000.tar.enc",
        "ourplace-20250102-020000.tar.enc",
        "ourplace-20250103-020000.dump",  # from before archives: rotated too
        "ourplace-20250104-020000.tar.enc",
        "ourplace-20250104-020000-2.tar.enc",
    ]
    for name in older:
        (backups / name).write_bytes(b"old")
    (backups / "before-the-upgrade.tar.enc").write_bytes(b"named by hand: kept")

    call_command("database_backup")

    left = sorted(path.name for path in backups.iterdir())
    new = [name for name in left if name not in older and name != "before-the-upgrade.tar.enc"]
    assert len(new) == 1
    assert left == sorted(
        [
            "ourplace-20250104-020000.tar.enc",
            "ourplace-20250104-020000-2.tar.enc",
            "before-the-upgrade.tar.enc",
            *new,
        ]
    )
