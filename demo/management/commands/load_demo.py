from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.load import load_demo


class Command(BaseCommand):
    help = "Load the demo programme, rounds, areas and one user per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it even under production settings (it creates users with known passwords).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load the demo under production settings: it creates an admin and other "
                "users with known passwords. Use --force if this really is a demonstration site."
            )
        ctx = load_demo()
        if ctx is not None and ctx.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(ctx.areas)} areas."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
