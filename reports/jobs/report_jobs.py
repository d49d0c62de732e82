"""Report jobs: asking for a report (at most one live job per report), the monthly programme
reports, trying a failed one again, and rendering the PDF (the worker's side). Views, the beat
task and the worker all go through these."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.services import activity_record
from core.errors import require
from programmes.models import Area, Round

from .. import permissions
from ..models import LIVE_STATUSES, Audience, JobStatus, ReportJob, ReportKind
from ..rendering import report_pdf
from ..sections import ReportContext
from . import lifecycle

logger = logging.getLogger("reports.services")


def _live_job(*, kind, area, round, audience) -> ReportJob | None:
    """The queued or running job for this report (row locked), failing any that went stale."""
    qs = ReportJob.objects.select_for_update().filter(kind=kind, status__in=LIVE_STATUSES)
    if kind == ReportKind.AREA_PROGRESS:
        qs = qs.filter(area=area, audience=audience)
    else:
        qs = qs.filter(round=round)
    job = qs.order_by("created_at").first()
    if job is not None and lifecycle.is_stale(job):
        job.status = JobStatus.FAILED
        job.error = (
            "The report was not finished within 30 minutes; the worker may have stopped. Try again."
        )
        job.progress_message = "Failed"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "progress_message", "finished_at"])
        # Another live job (say, the monthly one beside a user's) may still be current.
        return _live_job(kind=kind, area=area, round=round, audience=audience)
    return job


def report_request(
    *, kind: str, user, area: Area | None = None, round: Round | None = None
) -> ReportJob:
    """Ask for a report. If the same report (kind, subject and edition) is already queued or
    running, that job is returned instead of a new one, so double clicks and impatient users do not
    pile up work. The task is sent after commit."""
    require(permissions.can_request_report(user, kind=kind, area=area, round=round))
    if kind == ReportKind.AREA_PROGRESS:
        round = None
    else:
        area = None
    audience = permissions.audience_for(user, area)
    if kind == ReportKind.PROGRAMME:
        # Programme reports have one edition (staff only).
        audience = Audience.STAFF
    try:
        with transaction.atomic():
            existing = _live_job(kind=kind, area=area, round=round, audience=audience)
            if existing is not None:
                return existing
            job = ReportJob.objects.create(
                kind=kind, area=area, round=round, audience=audience, requested_by=user
            )
            activity_record(
                verb="report.requested",
                summary=f"{job.get_kind_display()} requested: {job.subject_label}",
                actor=user,
                area=area,
                target=job,
            )
            lifecycle.enqueue(job)
            return job
    except IntegrityError:
        # Another request for the same report won the race between our check and our insert.
        return _live_job(kind=kind, area=area, round=round, audience=audience)


def report_schedule(*, round: Round, report_date: datetime.date) -> ReportJob | None:
    """Create the scheduled programme report for a round and date (the monthly beat task). Running
    it twice for the same date creates nothing new. Returns the new job, or None."""
    with transaction.atomic():
        if ReportJob.objects.filter(round=round, report_date=report_date, scheduled=True).exists():
            return None
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    kind=ReportKind.PROGRAMME,
                    round=round,
                    scheduled=True,
                    report_date=report_date,
                )
        except IntegrityError:
            return None
        lifecycle.enqueue(job)
        return job


def report_retry(*, job: ReportJob, user) -> ReportJob:
    """Put a failed job back in the queue and send a new task."""
    with transaction.atomic():
        locked = lifecycle.locked(ReportJob, job.pk)
        require(permissions.can_retry_job(user, locked))
        lifecycle.requeue(locked)
        activity_record(
            verb="report.retried",
            summary=f"{locked.get_kind_display()} tried again: {locked.subject_label}",
            actor=user,
            area=locked.area,
            target=locked,
        )
    job.refresh_from_db()
    return job


def _start(job_id: int) -> tuple[ReportJob, bool]:
    """Lock the job and mark it running; (job, False) when it has already succeeded."""
    with transaction.atomic():
        job = lifecycle.locked(ReportJob, job_id, related=("area", "round"), of=("self",))
        if job.status == JobStatus.SUCCEEDED and job.file:
            return job, False
        lifecycle.start(job, progress=1, message="Starting")
    return job, True


def _save_pdf(job: ReportJob, pdf: bytes) -> ReportJob:
    """Keep the PDF (replacing any earlier file) and mark the job ready."""
    with transaction.atomic():
        locked = lifecycle.locked(ReportJob, job.pk)
        if locked.file:
            locked.file.delete(save=False)
        locked.file.save(job.download_name, ContentFile(pdf), save=False)
        lifecycle.finish(locked, message="Ready", file=locked.file)
    return locked


def report_run(*, job_id: int) -> ReportJob:
    """Render a job's PDF. Called by the worker; idempotent: a job that has already succeeded is
    returned as it is. On failure the job is marked failed with a readable error and the exception
    is raised again, so Celery can retry transient errors."""
    job, to_do = _start(job_id)
    if not to_do:
        return job
    ctx = ReportContext(
        kind=job.kind,
        area=job.area,
        round=job.round,
        audience=job.audience,
        report_date=job.report_date or timezone.localdate(),
    )
    try:
        pdf = report_pdf(
            ctx, on_progress=lambda p, m: lifecycle.set_progress(ReportJob, job.pk, p, m)
        )
        lifecycle.set_progress(ReportJob, job.pk, 95, "Saving the file")
        return _save_pdf(job, pdf)
    except Exception as exc:
        logger.exception("Report job %s failed", job.pk)
        lifecycle.fail(
            ReportJob,
            job.pk,
            error=lifecycle.readable_error(exc, "The report could not be produced"),
        )
        raise
