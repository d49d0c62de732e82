"""Writes for report jobs. Views, the beat task and the worker all go through these."""

import datetime
import logging
import traceback

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.services import activity_record
from programmes.models import Area, Round

from . import permissions
from .models import (
    LIVE_STATUSES,
    Audience,
    BackgroundJob,
    ImportJob,
    JobStatus,
    ReportJob,
    ReportKind,
)
from .rendering import report_pdf
from .sections import ReportContext

logger = logging.getLogger(__name__)


def _raise_unless(decision):
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def _enqueue(job: BackgroundJob) -> None:
    """Send the job to its worker task once the transaction that made it has committed, so the
    worker never looks for a row it cannot see yet."""
    from . import tasks

    task = tasks.records_import_job if isinstance(job, ImportJob) else tasks.report_generate

    def send():
        result = task.delay(job.pk)
        type(job).objects.filter(pk=job.pk).update(task_id=result.id or "")

    transaction.on_commit(send)


def _requeue(locked: BackgroundJob) -> None:
    """Put a failed job (row locked by the caller) back in the queue and send a new task."""
    locked.status = JobStatus.QUEUED
    locked.progress = 0
    locked.progress_message = "Waiting for a worker"
    locked.error = ""
    locked.finished_at = None
    locked.save(update_fields=["status", "progress", "progress_message", "error", "finished_at"])
    _enqueue(locked)


# A job queued or running for longer than this has lost its worker (or its message): it is marked
# failed, so it neither blocks new requests for ever nor hides the problem.
STALE_AFTER = datetime.timedelta(minutes=30)


def _live_job(*, kind, area, round, audience) -> ReportJob | None:
    qs = ReportJob.objects.select_for_update().filter(kind=kind, status__in=LIVE_STATUSES)
    if kind == ReportKind.AREA_PROGRESS:
        qs = qs.filter(area=area, audience=audience)
    else:
        qs = qs.filter(round=round)
    job = qs.order_by("created_at").first()
    if job is not None and timezone.now() - (job.started_at or job.created_at) > STALE_AFTER:
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
    _raise_unless(permissions.can_request_report(user, kind=kind, area=area, round=round))
    if kind == ReportKind.AREA_PROGRESS:
        round = None
    else:
        area = None
    audience = permissions.audience_for(user)
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
            _enqueue(job)
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
        _enqueue(job)
        return job


def report_retry(*, job: ReportJob, user) -> ReportJob:
    """Put a failed job back in the queue and send a new task."""
    with transaction.atomic():
        locked = ReportJob.objects.select_for_update().get(pk=job.pk)
        _raise_unless(permissions.can_retry_job(user, locked))
        _requeue(locked)
        activity_record(
            verb="report.retried",
            summary=f"{locked.get_kind_display()} tried again: {locked.subject_label}",
            actor=user,
            area=locked.area,
            target=locked,
        )
    job.refresh_from_db()
    return job


def _progress(job_id: int, percent: int, message: str) -> None:
    # Outside any transaction, so the page polling the job sees each step as it happens.
    ReportJob.objects.filter(pk=job_id).update(
        progress=max(0, min(100, percent)), progress_message=message[:200]
    )


def report_run(*, job_id: int) -> ReportJob:
    """Render a job's PDF. Called by the worker; idempotent: a job that has already succeeded is
    returned as it is. On failure the job is marked failed with a readable error and the exception
    is raised again, so Celery can retry transient errors."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("area", "round")
            .get(pk=job_id)
        )
        if job.status == JobStatus.SUCCEEDED and job.file:
            return job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.error = ""
        job.progress = 1
        job.progress_message = "Starting"
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "finished_at",
                "error",
                "progress",
                "progress_message",
            ]
        )
    ctx = ReportContext(
        kind=job.kind,
        area=job.area,
        round=job.round,
        audience=job.audience,
        report_date=job.report_date or timezone.localdate(),
    )
    try:
        pdf = report_pdf(ctx, on_progress=lambda p, m: _progress(job.pk, p, m))
        _progress(job.pk, 95, "Saving the file")
        with transaction.atomic():
            locked = ReportJob.objects.select_for_update().get(pk=job.pk)
            if locked.file:
                locked.file.delete(save=False)
            locked.file.save(job.download_name, ContentFile(pdf), save=False)
            locked.status = JobStatus.SUCCEEDED
            locked.progress = 100
            locked.progress_message = "Ready"
            locked.finished_at = timezone.now()
            locked.save(
                update_fields=["file", "status", "progress", "progress_message", "finished_at"]
            )
        return locked
    except Exception as exc:
        logger.exception("Report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=_readable_error(exc),
            progress_message="Failed",
            finished_at=timezone.now(),
        )
        raise


def _readable_error(exc: Exception, what: str = "The report could not be produced") -> str:
    """What went wrong, in one line a person can pass on to whoever fixes it."""
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"{what} ({detail})."[:4000]


# --- Import jobs ---------------------------------------------------------------------------------


def import_request(*, user, upload, round_slug: str) -> ImportJob:
    """Keep an uploaded CRM export and send it to a worker to import. Nothing is imported here:
    the worker checks the whole file first and imports it all or nothing."""
    _raise_unless(permissions.can_import(user))
    with transaction.atomic():
        job = ImportJob(
            original_name=(upload.name or "records.csv")[:200],
            round_slug=round_slug,
            requested_by=user,
            progress_message="Waiting for a worker",
        )
        job.file.save("records.csv", upload, save=False)
        job.save()
        activity_record(
            verb="import.requested",
            summary=f"Import of {job.original_name} into {round_slug} requested",
            actor=user,
            target=job,
        )
        _enqueue(job)
    return job


def import_retry(*, job: ImportJob, user) -> ImportJob:
    """Send a failed import (one that failed for a reason other than the file's contents) to a
    worker again."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        _raise_unless(permissions.can_retry_import(user, locked))
        _requeue(locked)
        activity_record(
            verb="import.retried",
            summary=f"Import of {locked.original_name} into {locked.round_slug} tried again",
            actor=user,
            target=locked,
        )
    job.refresh_from_db()
    return job


def _import_step(job_id: int, percent: int, message: str) -> None:
    # Committed at once, outside the import's own transaction, so the page sees each step.
    ImportJob.objects.filter(pk=job_id).update(progress=percent, progress_message=message[:200])


def import_run(*, job_id: int) -> ImportJob:
    """Import a job's file (called by the worker). The file is checked whole, then imported in
    one transaction: problems with the file leave the job failed with every problem listed and
    nothing written; other errors leave it failed (retryable) and are raised again for Celery.
    Idempotent: a job that has succeeded is returned as it is (and re-importing changes nothing
    anyway)."""
    from .imports import Importer, ImportFailed, read_records

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.SUCCEEDED:
            return job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.error = ""
        job.problems = []
        job.progress = 10
        job.progress_message = "Checking every row of the file"
        job.save()
    try:
        try:
            records = read_records(job.file.path, round_slug=job.round_slug)
            _import_step(job.pk, 30, f"Importing {len(records)} records in one transaction")
            result = Importer(records=records, round_slug=job.round_slug).run()
        except ImportFailed as failed:
            ImportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED,
                problems=failed.errors,
                progress_message="Nothing was imported",
                finished_at=timezone.now(),
            )
            job.refresh_from_db()
            return job
        summary = result.summary_lines()
        if result.round_created:
            summary.insert(
                0,
                f"Created round {result.round.name} ({result.round.slug}) with the standard "
                "stage definitions.",
            )
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            locked.status = JobStatus.SUCCEEDED
            locked.round = result.round
            locked.round_created = result.round_created
            locked.summary = summary
            locked.progress = 100
            locked.progress_message = f"Imported into {result.round.name}"
            locked.finished_at = timezone.now()
            locked.save()
            activity_record(
                verb="import.finished",
                summary=f"{locked.original_name} imported into {result.round.name}: " + summary[-2],
                actor=locked.requested_by,
                target=locked,
            )
        return locked
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=_readable_error(exc, "The import could not be finished; nothing was imported"),
            progress_message="Failed",
            finished_at=timezone.now(),
        )
        raise
