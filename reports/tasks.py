"""Celery tasks for reports: render one job, make the monthly programme reports, and import an
uploaded CRM export. Each takes an id and calls a service; the shared options and the wrapper are
in `reports.jobs.runner`. The names are fixed so queued messages and the beat schedule
(``reports.tasks.programme_reports_monthly``) keep finding them."""

from celery import shared_task
from django.utils import timezone

from programmes.models import Round

from .imports.jobs import import_run
from .jobs.report_jobs import report_run, report_schedule
from .jobs.runner import JOB_TASK, run_job
from .models import ImportJob, ReportJob


@shared_task(name="reports.tasks.report_generate", **JOB_TASK)
def report_generate(self, job_id: int) -> str:
    """Render a report job's PDF. Idempotent: `report_run` returns a job that already succeeded
    without rendering it again, so a redelivered or duplicated message does no harm. Database and
    file-system hiccups are retried with back-off; other errors leave the job failed for a person
    to retry from the job page."""
    return run_job(self, ReportJob, job_id, report_run)


@shared_task(name="reports.tasks.records_import_job", **JOB_TASK)
def records_import_job(self, job_id: int) -> str:
    """Import an uploaded CRM export (an ImportJob). Problems with the file end the job at once
    (nothing imported, every problem listed); database and file-system hiccups are retried with
    back-off; anything else leaves the job failed for a person to retry."""
    return run_job(self, ImportJob, job_id, import_run)


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
