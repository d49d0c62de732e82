"""Backups of everything: the database and every private file in one archive.

`backup_create` writes a tar archive holding `manifest.json` (what is in it, with each file's size
and SHA-256), the database (`pg_dump --format=custom` on PostgreSQL, SQLite's online backup API on
the laptop default) and every file in the private storage, read through Django's storage API (so
an object store works as well as a folder). With BACKUP_KEY set the archive is encrypted
(core.backup_crypto, AES-256-GCM); without it an archive is written in the clear only where
BACKUP_ALLOW_UNENCRYPTED (the laptop default; production refuses). The file is mode 0600 and the
newest BACKUP_KEEP dated archives in BACKUP_DIR are kept.

`backup_restore` reads the whole archive once to check it decrypts and is complete, then puts back
the database and the files. It restores onto a fresh install (an empty database and an empty
storage) as well as over the existing one; files that are in the storage but not in the archive
are left where they are. It also restores a bare database file from before archives
(`.dump` / `.sqlite3`)."""

import datetime
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.utils import timezone

from .backup_crypto import MAGIC, BackupDecryptError, DecryptingReader, EncryptingWriter

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"postgresql": "database/ourplace.dump", "sqlite": "database/ourplace.sqlite3"}
FILES_PREFIX = "files/"
# Dated names this module writes (and `database_backup` wrote before archives); rotation and
# "the newest backup" look only at these.
DATED_NAME = re.compile(
    r"^ourplace-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.(?:tar\.enc|tar|dump|sqlite3)$"
)
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore refused or failed, with a code for tests and scripts."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class BackupResult:
    path: Path
    encrypted: bool
    files: int
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    path: Path
    files: int
    database: str


def private_storage() -> Storage:
    """The storage holding every private file (uploads, offer letters, generated reports):
    STORAGES["private"] (core.storage)."""
    return storages["private"]


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def storage_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file name in the storage, walked with listdir (no local path assumed), sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += storage_names(storage, f"{folder}{sub}/")
    return sorted(names)


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


# --- the database -----------------------------------------------------------------------------


def pg_arguments(db: dict) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore from Django's settings, and the environment
    carrying the password (never on the command line)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{what} failed: {done.stderr.strip()}", code=f"{what}_failed")


def database_dump(target: Path) -> str:
    """Write the database to `target`; returns the vendor ("postgresql" or "sqlite")."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        pg_args, env = pg_arguments(db)
        command = ["pg_dump", "--format=custom", "--no-owner", *pg_args, "--file", str(target)]
        _run(command + [str(db["NAME"])], env, "pg_dump")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        raise BackupError(f"No backup method for {connection.vendor}.", code="unsupported_database")
    return connection.vendor


def database_load(source: Path, vendor: str) -> None:
    """Replace everything in the database with the dump at `source`."""
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this site runs on {connection.vendor}.",
            code="wrong_database",
        )
    if vendor == "postgresql":
        db = connection.settings_dict
        pg_args, env = pg_arguments(db)
        connection.close()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run(command + [*pg_args, "--dbname", str(db["NAME"]), str(source)], env, "pg_restore")
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()


# --- writing ----------------------------------------------------------------------------------


def _dated_path(now: datetime.datetime, suffix: str) -> Path:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path = backup_dir() / f"ourplace-{stamp}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = backup_dir() / f"ourplace-{stamp}-{n}{suffix}"
    return path


def _encryption_key() -> str:
    key = settings.BACKUP_KEY
    if key:
        return key
    if not settings.BACKUP_ALLOW_UNENCRYPTED:
        raise BackupError(
            "BACKUP_KEY is not set: an unencrypted backup is refused here. Set BACKUP_KEY (keep a "
            "copy of it away from the backups), or BACKUP_ALLOW_UNENCRYPTED=true to accept the "
            "risk.",
            code="key_missing",
        )
    logger.warning("BACKUP_KEY is not set: the backup is written unencrypted.")
    return ""


def _add(tar: tarfile.TarFile, name: str, fileobj, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(timezone.now().timestamp())
    tar.addfile(info, fileobj)


def _write_archive(out, key: str, dump: Path, vendor: str, storage: Storage) -> int:
    """The tar stream (encrypted when `key`): the manifest, the database, then the files."""
    names = storage_names(storage)
    files = []
    for name in names:
        with storage.open(name, "rb") as handle:
            files.append({"name": name, "size": storage.size(name), "sha256": _sha256(handle)})
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "member": DATABASE_MEMBER[vendor]},
        "files": files,
    }
    sink = EncryptingWriter(out, key) if key else out
    with tarfile.open(fileobj=sink, mode="w|") as tar:
        body = json.dumps(manifest, indent=1).encode()
        _add(tar, MANIFEST, io.BytesIO(body), len(body))
        with dump.open("rb") as handle:
            _add(tar, DATABASE_MEMBER[vendor], handle, dump.stat().st_size)
        for entry in files:
            with storage.open(entry["name"], "rb") as handle:
                _add(tar, FILES_PREFIX + entry["name"], handle, entry["size"])
    if key:
        sink.close()
    return len(files)


def backup_create(*, output: str | Path | None = None) -> BackupResult:
    """Write one archive of the database and every private file (see the module's docstring);
    returns where, and which older dated archives rotation removed."""
    key = _encryption_key()
    suffix = ".tar.enc" if key else ".tar"
    path = Path(output) if output else _dated_path(timezone.now(), suffix)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="ourplace-backup-") as work:
        dump = Path(work) / "database"
        vendor = database_dump(dump)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                count = _write_archive(out, key, dump, vendor, private_storage())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    removed = backups_rotate(keep=settings.BACKUP_KEEP)
    logger.info("Backup written to %s (%s files, encrypted: %s)", path, count, bool(key))
    return BackupResult(path=path, encrypted=bool(key), files=count, removed=removed)


def dated_backups() -> list[Path]:
    """The dated archives in BACKUP_DIR, oldest first."""
    found = []
    for path in backup_dir().glob("ourplace-*"):
        match = DATED_NAME.match(path.name)
        if match and path.is_file():
            found.append(((match["stamp"], int(match["n"] or 1)), path))
    return [path for _, path in sorted(found)]


def backups_rotate(*, keep: int) -> list[Path]:
    """Delete all but the newest `keep` dated archives in BACKUP_DIR; returns what went."""
    if keep < 1:
        return []
    removed = dated_backups()[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
        logger.info("Backup rotation removed %s", path)
    return removed


# --- reading ----------------------------------------------------------------------------------


def newest_backup() -> Path:
    found = dated_backups()
    if not found:
        raise BackupError(f"No backup in {backup_dir()}: run `make backup` first.", code="none")
    return found[-1]


def _open_stream(raw):
    """The archive's plain tar stream from the raw file (decrypted when it is encrypted)."""
    start = raw.read(len(MAGIC))
    raw.seek(0)
    if start != MAGIC:
        return raw
    if not settings.BACKUP_KEY:
        raise BackupError(
            "This backup is encrypted: set BACKUP_KEY to the key it was made with.",
            code="key_missing",
        )
    return DecryptingReader(raw, settings.BACKUP_KEY)


def _check_archive(path: Path) -> None:
    """Read the whole archive once, so a wrong key or a damaged or cut-short file is refused
    before anything is replaced."""
    with path.open("rb") as raw:
        stream = _open_stream(raw)
        while stream.read(1024 * 1024):
            pass


def _restore_member(storage: Storage, name: str, fileobj, expected: dict) -> None:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
        digest = hashlib.sha256()
        for block in iter(lambda: fileobj.read(1024 * 1024), b""):
            digest.update(block)
            copy.write(block)
        if expected.get("sha256") != digest.hexdigest():
            raise BackupError(f"The backup's copy of {name} is damaged.", code="file_damaged")
        copy.seek(0)
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, File(copy, name=name))
    if saved != name:
        raise BackupError(f"{name} was stored as {saved}.", code="file_renamed")


def _restore_archive(path: Path) -> RestoreResult:
    storage = private_storage()
    manifest, expected, vendor, count = None, {}, "", 0
    with (
        path.open("rb") as raw,
        tempfile.TemporaryDirectory(prefix="ourplace-restore-") as work,
        tarfile.open(fileobj=_open_stream(raw), mode="r|") as tar,
    ):
        for member in tar:
            if not member.isfile():
                continue
            fileobj = tar.extractfile(member)
            if member.name == MANIFEST:
                manifest = json.loads(fileobj.read())
                expected = {entry["name"]: entry for entry in manifest["files"]}
            elif manifest is None:
                raise BackupError("The backup has no manifest.", code="not_a_backup")
            elif member.name == manifest["database"]["member"]:
                vendor = manifest["database"]["vendor"]
                dump = Path(work) / "database"
                with dump.open("wb") as copy:
                    shutil.copyfileobj(fileobj, copy, 1024 * 1024)
                database_load(dump, vendor)
            elif member.name.startswith(FILES_PREFIX):
                name = member.name[len(FILES_PREFIX) :]
                if not vendor:
                    raise BackupError("The backup's files come first.", code="not_a_backup")
                _restore_member(storage, name, fileobj, expected.get(name, {}))
                count += 1
    if manifest is None or not vendor or count != len(manifest["files"]):
        raise BackupError("The backup is incomplete.", code="incomplete")
    return RestoreResult(path=path, files=count, database=vendor)


def backup_restore(*, path: str | Path | None = None) -> RestoreResult:
    """Put back the database and the private files from an archive (the newest dated one in
    BACKUP_DIR unless named). Everything in the database now is replaced. Stop the site and the
    workers first."""
    path = Path(path) if path else newest_backup()
    if not path.is_file():
        raise BackupError(f"No such backup: {path}", code="not_found")
    with path.open("rb") as raw:
        start = raw.read(len(SQLITE_MAGIC))
    if start.startswith(PG_MAGIC) or start == SQLITE_MAGIC:
        # A database-only backup from before archives.
        database_load(path, "postgresql" if start.startswith(PG_MAGIC) else "sqlite")
        return RestoreResult(path=path, files=0, database=connection.vendor)
    try:
        _check_archive(path)
        return _restore_archive(path)
    except BackupDecryptError as exc:
        raise BackupError(str(exc), code="cannot_decrypt") from exc
    except tarfile.TarError as exc:
        raise BackupError(
            f"{path} is not an Our Place backup ({exc}).", code="not_a_backup"
        ) from exc


def check_backup_key(app_configs=None, **kwargs):
    """`check --deploy`: a site that refuses unencrypted backups but has no BACKUP_KEY would
    fail its nightly backup every night; say so before it goes live."""
    from django.core.checks import Warning

    if settings.BACKUP_KEY or settings.BACKUP_ALLOW_UNENCRYPTED:
        return []
    return [
        Warning(
            "BACKUP_KEY is not set, so the nightly backup will refuse to run.",
            hint="Set BACKUP_KEY to a long passphrase and keep a copy away from the backups.",
            id="core.W101",
        )
    ]
