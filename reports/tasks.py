"""Celery tasks for reports: render one job, make the monthly programme reports, and import an
uploaded CRM export."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, OSError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
)
def report_generate(self, job_id: int) -> str:
    """Render a report job's PDF. Idempotent: `report_run` returns a job that already succeeded
    without rendering it again, so a redelivered or duplicated message does no harm. Database and
    file-system hiccups are retried with back-off; other errors leave the job failed for a person
    to retry from the job page."""
    from .models import ReportJob
    from .services import report_run

    if not ReportJob.objects.filter(pk=job_id).exists():
        logger.warning("Report job %s no longer exists; nothing to do.", job_id)
        return "missing"
    try:
        job = report_run(job_id=job_id)
    except TRANSIENT_ERRORS:
        if self.request.retries < self.max_retries:
            ReportJob.objects.filter(pk=job_id).update(
                progress_message="Failed; trying again automatically"
            )
        raise
    return job.status


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
)
def records_import_job(self, job_id: int) -> str:
    """Import an uploaded CRM export (an ImportJob). Problems with the file end the job at once
    (nothing imported, every problem listed); database and file-system hiccups are retried with
    back-off; anything else leaves the job failed for a person to retry."""
    from .models import ImportJob
    from .services import import_run

    if not ImportJob.objects.filter(pk=job_id).exists():
        logger.warning("Import job %s no longer exists; nothing to do.", job_id)
        return "missing"
    try:
        job = import_run(job_id=job_id)
    except TRANSIENT_ERRORS:
        if self.request.retries < self.max_retries:
            ImportJob.objects.filter(pk=job_id).update(
                progress_message="Failed; trying again automatically"
            )
        raise
    return job.status


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
