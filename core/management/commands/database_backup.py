"""`manage.py database_backup` (`make backup`): a copy of the whole database in var/backups/.

PostgreSQL: `pg_dump --format=custom` (restored with pg_restore). SQLite (the laptop default):
SQLite's online backup API, which copies a consistent snapshot while the site and the workers
keep running."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

BACKUP_DIR = settings.VAR_DIR / "backups"


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


class Command(BaseCommand):
    help = "Back up the database to var/backups/ (pg_dump on PostgreSQL, SQLite's backup API)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The file to write (default: a dated file).")

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "postgresql":
            path = Path(output or BACKUP_DIR / f"ourplace-{stamp}.dump")
            path.parent.mkdir(parents=True, exist_ok=True)
            db = connection.settings_dict
            pg_args, env = pg_arguments(db)
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", *pg_args, "--file", str(path)]
                + [str(db["NAME"])],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        elif connection.vendor == "sqlite":
            path = Path(output or BACKUP_DIR / f"ourplace-{stamp}.sqlite3")
            path.parent.mkdir(parents=True, exist_ok=True)
            connection.ensure_connection()
            target = sqlite3.connect(path)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")
        self.stdout.write(f"Backed up the database to {path}")
        return None
