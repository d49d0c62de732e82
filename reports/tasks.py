"""Celery tasks for reports: render one job, make the monthly programme reports, and import an
uploaded CRM export."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, OSError)

# Both job tasks: autoretried with back-off on transient errors, acknowledged only when done.
JOB_TASK = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


def _run(task, model, job_id: int, run) -> str:
    """Run one job through its service, unless its row is gone. A transient error is raised
    again for Celery to retry, after telling the page that it will be."""
    if not model.objects.filter(pk=job_id).exists():
        logger.warning("%s %s no longer exists; nothing to do.", model.__name__, job_id)
        return "missing"
    try:
        job = run(job_id=job_id)
    except TRANSIENT_ERRORS:
        if task.request.retries < task.max_retries:
            model.objects.filter(pk=job_id).update(
                progress_message="Failed; trying again automatically"
            )
        raise
    return job.status


@shared_task(**JOB_TASK)
def report_generate(self, job_id: int) -> str:
    """Render a report job's PDF. Idempotent: `report_run` returns a job that already succeeded
    without rendering it again, so a redelivered or duplicated message does no harm. Database and
    file-system hiccups are retried with back-off; other errors leave the job failed for a person
    to retry from the job page."""
    from .models import ReportJob
    from .services import report_run

    return _run(self, ReportJob, job_id, report_run)


@shared_task(**JOB_TASK)
def records_import_job(self, job_id: int) -> str:
    """Import an uploaded CRM export (an ImportJob). Problems with the file end the job at once
    (nothing imported, every problem listed); database and file-system hiccups are retried with
    back-off; anything else leaves the job failed for a person to retry."""
    from .models import ImportJob
    from .services import import_run

    return _run(self, ImportJob, job_id, import_run)


@shared_task(acks_late=True)
def programme_reports_monthly() -> int:
    """Make this month's programme report for every live round (beat, 1st of the month). Each is
    kept with its date so past months stay available. Returns how many were created."""
    from programmes.models import Round

    from .services import report_schedule

    today = timezone.localdate()
    created = 0
    for round_ in Round.objects.filter(status=Round.Status.LIVE).order_by("starts_on"):
        if report_schedule(round=round_, report_date=today) is not None:
            created += 1
    return created
