"""Celery tasks for reports: render one job, make the monthly programme reports, and import an
uploaded CRM export. Each takes an id and calls a service; the shared options and the wrapper are
in `reports.jobs.runner`. The names are fixed so queued messages and the beat schedule
(``reports.tasks.programme_reports_monthly``) keep finding them."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from programmes.models import Round

from .exports.jobs import export_run
from .imports.jobs import import_run
from .jobs.lifecycle import requeue_stalled
from .jobs.report_jobs import report_run, report_schedule
from .jobs.runner import JOB_TASK, run_job
from .models import ExportJob, ImportJob, ReportJob

logger = logging.getLogger("reports.tasks")


@shared_task(name="reports.tasks.report_generate", **JOB_TASK)
def report_generate(self, job_id: int) -> str:
    """Render a report job's PDF. Exactly once: `report_run` claims the queued job first, so a
    redelivered or duplicated message (job running or done) does nothing. Database and
    file-system hiccups are retried with back-off; other errors leave the job failed for a person
    to retry from the job page."""
    return run_job(self, ReportJob, job_id, report_run)


@shared_task(name="reports.tasks.records_import_job", **JOB_TASK)
def records_import_job(self, job_id: int) -> str:
    """Import an uploaded CRM export (an ImportJob), claimed first like a report job, so a
    redelivered message does nothing. Problems with the file end the job at once (nothing
    imported, every problem listed); database and file-system hiccups are retried with back-off;
    anything else leaves the job failed for a person to retry."""
    return run_job(self, ImportJob, job_id, import_run)


@shared_task(name="reports.tasks.export_generate", **JOB_TASK)
def export_generate(self, job_id: int) -> str:
    """Write a large export's file (an ExportJob), claimed first like a report job."""
    return run_job(self, ExportJob, job_id, export_run)


@shared_task(name="reports.tasks.programme_reports_monthly", acks_late=True)
def programme_reports_monthly() -> int:
    """Make this month's programme report for every live round (beat, 1st of the month). Each is
    kept with its date so past months stay available. Returns how many were created."""
    today = timezone.localdate()
    created = 0
    for round_ in Round.objects.filter(status=Round.Status.LIVE).order_by("starts_on"):
        if report_schedule(round=round_, report_date=today) is not None:
            created += 1
    return created


@shared_task(name="reports.tasks.jobs_requeue_stalled")
def jobs_requeue_stalled() -> dict:
    """Beat: send again every report or import job whose worker stopped (no heartbeat for
    JOB_STALL_MINUTES), or fail it with the reason after JOB_MAX_ATTEMPTS."""
    return requeue_stalled()


@worker_ready.connect
def _requeue_stalled_when_a_worker_starts(sender=None, **kwargs):
    # A worker starting after a crash is the first moment its stalled jobs can be sent again.
    try:
        requeue_stalled()
    except Exception:  # never stop a worker from starting over this
        logger.exception("Stalled-job sweep at worker start failed")
