from django.core.management.base import BaseCommand

from demo.people import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo users, one per role, and their password."

    def handle(self, *args, **options):
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for username, first, last, role, _title in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {first + ' ' + last:<20} {role.label}")
        self.stdout.write("")
