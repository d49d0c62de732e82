"""`manage.py database_restore [FILE]` (`make restore`): put back an archive made by
`database_backup` (the newest in BACKUP_DIR unless one is named): the database and the private
files. Everything in the database now is replaced by the backup's contents. Stop the site and
the workers first. Encrypted archives need the BACKUP_KEY they were made with."""

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and private files from a backup (the newest unless one is named)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The backup to restore.")

    def handle(self, *args, file=None, **options):
        try:
            result = backup_restore(path=file)
        except BackupError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        self.stdout.write(
            f"Restored the database and {result.files} files from {result.path}. "
            "Run `manage.py audit_verify` to check the audit trail."
        )
