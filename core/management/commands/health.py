from django.core.management.base import BaseCommand, CommandError

from core.health import readiness


class Command(BaseCommand):
    help = (
        "Check the database, Redis, the private storage, a worker heartbeat and beat's last "
        "tick (as /readyz does): one line each, exit status 1 when any fails."
    )

    def handle(self, *args, **options):
        results = readiness()
        for result in results:
            self.stdout.write(result.line())
        failed = [r.name for r in results if not r.ok]
        if failed:
            raise CommandError(f"Not ready: {', '.join(failed)}.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Ready."))
