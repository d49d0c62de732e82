from django.core.management.base import BaseCommand

from demo.load import load_demo


class Command(BaseCommand):
    help = "Load the demo programme, rounds, areas and one user per role. Safe to run again."

    def handle(self, *args, **options):
        ctx = load_demo()
        if ctx is not None and ctx.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(ctx.areas)} areas."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
