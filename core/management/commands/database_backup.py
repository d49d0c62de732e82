"""`manage.py database_backup [--output FILE]` (`make backup`): one archive of the database and
every private file, encrypted with BACKUP_KEY, in BACKUP_DIR (core/backups.py)."""

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and the private files to one archive in BACKUP_DIR (encrypted with "
        "BACKUP_KEY, mode 0600), keeping the newest BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The file to write (default: a dated file).")

    def handle(self, *args, output=None, **options):
        try:
            result = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        state = "encrypted" if result.encrypted else "NOT encrypted (BACKUP_KEY is not set)"
        self.stdout.write(
            f"Backed up the database and {result.files} files to {result.path} ({state})."
        )
        for path in result.removed:
            self.stdout.write(f"Removed the older backup {path}")
