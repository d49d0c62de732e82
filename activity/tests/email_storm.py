"""Helper process for test_email_storm: seeds a file SQLite database with notifications, sends
their email tasks to a queue, writes beside the workers like runserver would, and counts.

    python -m activity.tests.email_storm seed ENTRIES
    python -m activity.tests.email_storm send QUEUE
    python -m activity.tests.email_storm write SECONDS
    python -m activity.tests.email_storm count
"""

import os
import sys
import time

import django


def main(command: str, arg: str = "") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.test")
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from activity.models import ActivityEntry, Notification

    if command == "seed":
        users = [
            User.objects.create(username=f"storm{i}", email=f"storm{i}@example.org")
            for i in range(10)
        ]
        for n in range(int(arg)):
            entry = ActivityEntry.objects.create(
                verb="storm", summary=f"Storm {n}", occurred_at=timezone.now()
            )
            Notification.objects.bulk_create(
                [Notification(recipient=u, entry=entry) for u in (users[n % 9], users[-1])]
            )
    elif command == "send":
        from ourplace.celery import app

        for pk in ActivityEntry.objects.filter(verb="storm").values_list("pk", flat=True):
            app.send_task("activity.tasks.notifications_email", args=[pk], queue=arg)
    elif command == "write":
        # Like the site beside the workers: write transactions that hold the lock a little.
        deadline = time.monotonic() + float(arg)
        while time.monotonic() < deadline:
            with transaction.atomic():
                ActivityEntry.objects.create(
                    verb="storm.write", summary="A page saved", occurred_at=timezone.now()
                )
                time.sleep(0.2)
            time.sleep(0.2)
    elif command == "count":
        pending = Notification.objects.filter(entry__verb="storm", emailed_at__isnull=True)
        print(Notification.objects.filter(entry__verb="storm").count(), pending.count())


if __name__ == "__main__":
    main(*sys.argv[1:])
