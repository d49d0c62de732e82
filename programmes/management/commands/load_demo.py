import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo.py builds on the context of the ones before it. Grants comes after the apps
# whose decisions award or release money (gates, final plans, Making it Happen), so it can show
# the payments in every state.
DEMO_APPS = ["programmes", "applications", "plans", "support", "delivery", "grants", "reports"]


class Command(BaseCommand):
    help = "Load the demo programme, rounds, areas and one user per role. Safe to run again."

    def handle(self, *args, **options):
        ctx = None
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                ctx = module.load(ctx)
        if ctx is not None and ctx.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(ctx.areas)} areas."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
