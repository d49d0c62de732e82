"""The two slow-work measures of `probe.py`: report jobs through real Celery workers, and the CRM
import (records a second)."""

import json
import os
import time
from pathlib import Path


def _wait_for_workers(app, workers: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        seen = len(app.control.ping(timeout=1.0) or [])
        if seen >= workers:
            return seen
    raise SystemExit(f"Only {seen} of {workers} Celery workers answered within {timeout:.0f} s.")


def _run_jobs(areas, pm, timeout: float) -> dict:
    """Ask for one area report per area (the web's own service, so the task is sent on commit) and
    wait for every job to finish; the time is from the first request to the last finish."""
    from django.db.models import Max, Min

    from reports.models import LIVE_STATUSES, ReportJob, ReportKind
    from reports.services import report_request

    ids = [report_request(kind=ReportKind.AREA_PROGRESS, actor=pm, area=a).pk for a in areas]
    jobs = ReportJob.objects.filter(pk__in=ids)
    deadline = time.monotonic() + timeout
    while jobs.filter(status__in=LIVE_STATUSES).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    span = jobs.aggregate(first=Min("created_at"), last=Max("finished_at"))
    statuses = {}
    for status in jobs.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    done = span["last"] is not None and not jobs.filter(status__in=LIVE_STATUSES).exists()
    seconds = (span["last"] - span["first"]).total_seconds() if done else None
    return {
        "jobs": len(ids),
        "statuses": statuses,
        "seconds": seconds,
        "by_worker": _by_worker(jobs.values_list("task_id", flat=True)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _by_worker(task_ids) -> dict:
    """How many of the jobs each worker ran (django-celery-results keeps the worker's name)."""
    try:
        from django_celery_results.models import TaskResult
    except ImportError:
        return {}
    counts = {}
    for worker in TaskResult.objects.filter(task_id__in=list(task_ids)).values_list(
        "worker", flat=True
    ):
        counts[worker or "?"] = counts.get(worker or "?", 0) + 1
    return counts


def _warm(workers: int, areas, pm, timeout: float) -> dict:
    """One job on each worker's own queue (`bench<k>`), so every worker has loaded its fonts and
    imports before the timed jobs, whichever worker takes them."""
    from reports import tasks
    from reports.models import LIVE_STATUSES, Audience, ReportJob, ReportKind

    ids = []
    for k, area in enumerate(areas[:workers]):
        job = ReportJob.objects.create(
            kind=ReportKind.AREA_PROGRESS, area=area, audience=Audience.STAFF, requested_by=pm
        )
        tasks.report_generate.apply_async((job.pk,), queue=f"bench{k}")
        ids.append(job.pk)
    deadline = time.monotonic() + timeout
    pending = ReportJob.objects.filter(pk__in=ids, status__in=LIVE_STATUSES)
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return dict(ReportJob.objects.filter(pk__in=ids).values_list("area__reference", "status"))


def jobs(args) -> dict:
    """Warm every worker, then time `count` area report jobs asked for as the web asks."""
    from accounts.models import User
    from ourplace.celery import app
    from programmes.models import Area

    values = json.loads(Path(args.values).read_text())
    _wait_for_workers(app, args.workers, 60)
    pm = User.objects.get(username="bench-pm")
    # One job per area: a second request for an area whose report is still queued would get
    # that job back rather than a new one.
    areas = list(Area.objects.filter(reference__in=values["report_areas"]).order_by("reference"))
    warm = _warm(args.workers, areas, pm, args.timeout)
    timed = _run_jobs(areas[args.workers : args.workers + args.count], pm, args.timeout)
    seconds = timed["seconds"]
    return {
        "workers": args.workers,
        "warm_up": warm,
        **timed,
        "jobs_per_second": round(timed["jobs"] / seconds, 3) if seconds else None,
    }


def records(args) -> None:
    """The CRM import at one size, its progress written to --out every second so that a run
    stopped at the time limit still says how fast it went."""
    import import_records

    from programmes.models import Programme

    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    out = Path(args.out)

    def report(done, seconds):
        out.write_text(
            json.dumps({"records": args.records, "done": done, "seconds": round(seconds, 1),
                        "finished": False})
        )  # fmt: skip

    report(0, 0)
    result = import_records.measure(args.records, report=report)
    out.write_text(json.dumps({**result, "done": args.records, "finished": True}))
