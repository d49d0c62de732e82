"""`manage.py database_restore [FILE]` (`make restore`): put back a backup made by
`database_backup`, by default the newest in var/backups/. Everything in the database now is
replaced by the backup's contents. Stop the site and the workers first."""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .database_backup import BACKUP_DIR, pg_arguments


def newest_backup(suffix: str) -> Path:
    found = sorted(BACKUP_DIR.glob(f"ourplace-*{suffix}"))
    if not found:
        raise CommandError(f"No backup in {BACKUP_DIR}: run `make backup` first.")
    return found[-1]


class Command(BaseCommand):
    help = "Restore the database from a backup in var/backups/ (the newest unless one is named)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The backup to restore.")

    def handle(self, *args, file=None, **options):
        if connection.vendor == "postgresql":
            path = Path(file) if file else newest_backup(".dump")
            db = connection.settings_dict
            pg_args, env = pg_arguments(db)
            connection.close()
            done = subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
                + [*pg_args, "--dbname", str(db["NAME"]), str(path)],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
        elif connection.vendor == "sqlite":
            path = Path(file) if file else newest_backup(".sqlite3")
            if not path.exists():
                raise CommandError(f"No such backup: {path}")
            connection.ensure_connection()
            source = sqlite3.connect(path)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            raise CommandError(f"No restore method for {connection.vendor}.")
        self.stdout.write(f"Restored the database from {path}")
