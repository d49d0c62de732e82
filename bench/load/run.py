"""The load test: gunicorn + PostgreSQL + Redis + 2 Celery workers on loopback, 30 simulated
people for 60 s of mixed journeys (pages, logged contacts, report requests), then a count of the
acknowledged writes in the database.

    createdb -h 127.0.0.1 -U postgres ourplace_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_load
    export REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python bench/load/run.py --users 30 --seconds 60

Prints the driver's JSON summary with `writes_found` (the contacts carrying the run's marker) and
the report jobs' states once the workers have finished them.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import driver  # noqa: E402
import stack  # noqa: E402


def writes_found(marker: str) -> int:
    from support.models import SupportContact

    return SupportContact.objects.filter(notes__startswith=marker).count()


def report_states(since) -> dict:
    from django.db.models import Count

    from reports.models import ReportJob

    rows = ReportJob.objects.filter(created_at__gte=since).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def main():
    parser = argparse.ArgumentParser(description="Load test on loopback.")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--login", action="append", default=[], help="username:password")
    args = parser.parse_args()
    # The laptop settings without debug: production's settings insist on HTTPS cookies, which a
    # plain-HTTP loopback run cannot send back.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.utils import timezone

    logins = [tuple(x.split(":", 1)) for x in args.login] or [
        ("rm", "ourplace-demo"),
        ("rm2", "ourplace-demo"),
    ]
    port = stack.free_port()
    folder = Path(tempfile.mkdtemp(prefix="ourplace-load-"))
    started = timezone.now()
    procs = stack.start(dict(os.environ), folder, port=port)
    try:
        summary = driver.run_load(
            base=f"http://127.0.0.1:{port}", logins=logins, users=args.users, seconds=args.seconds
        )
        from reports.models import JobStatus, ReportJob

        deadline = time.monotonic() + 300
        while (
            time.monotonic() < deadline
            and ReportJob.objects.filter(
                created_at__gte=started, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
            ).exists()
        ):
            time.sleep(2)
    finally:
        stack.stop(procs)
    summary["writes_found"] = writes_found(summary["marker"])
    summary["report_jobs"] = report_states(started)
    summary["logs"] = str(folder)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
