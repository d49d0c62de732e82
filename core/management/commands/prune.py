"""`manage.py prune [--only KIND]`: delete what the retention schedule (settings.RETENTION) no
longer keeps, as the nightly beat task does, and say how many of each kind went."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.retention import registered_pruners, retention_prune


class Command(BaseCommand):
    help = (
        "Delete sessions, outbox rows, reports, import uploads, notifications and sign-in "
        "records older than settings.RETENTION allows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", help="Prune one kind only (a key of settings.RETENTION).")

    def handle(self, *args, only=None, **options):
        pruners = registered_pruners()
        if only and only not in pruners:
            raise CommandError(f"No such kind: {only} (one of {', '.join(sorted(pruners))}).")
        counts = retention_prune(only=only)
        for name, count in counts.items():
            self.stdout.write(
                f"{name}: deleted {count} {pruners[name].description} "
                f"(kept {settings.RETENTION[name]} days)"
            )
