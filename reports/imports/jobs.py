"""Import jobs: a CRM export uploaded on the imports page, kept, and imported by a worker through
the same pipeline as ``manage.py import_records``. Views and the worker go through these."""

import logging

from django.db import transaction

from activity.services import activity_record
from core.errors import require

from .. import permissions
from ..jobs import lifecycle
from ..models import ImportJob, JobStatus
from .pipeline import Importer, ImportResult, progress_reporter
from .reading import ImportFailed, read_records

logger = logging.getLogger("reports.services")


def import_request(*, user, upload, round_slug: str) -> ImportJob:
    """Keep an uploaded CRM export and send it to a worker to import. Nothing is imported here:
    the worker checks the whole file first and imports it all or nothing."""
    require(permissions.can_import(user))
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
        lifecycle.enqueue(job)
    return job


def import_retry(*, job: ImportJob, user) -> ImportJob:
    """Send a failed import (one that failed for a reason other than the file's contents) to a
    worker again."""
    with transaction.atomic():
        locked = lifecycle.locked(ImportJob, job.pk)
        require(permissions.can_retry_import(user, locked))
        lifecycle.requeue(locked)
        activity_record(
            verb="import.retried",
            summary=f"Import of {locked.original_name} into {locked.round_slug} tried again",
            actor=user,
            target=locked,
        )
    job.refresh_from_db()
    return job


def _start(job_id: int) -> tuple[ImportJob, bool]:
    """Lock the job and mark it running; (job, False) when it has already succeeded."""
    with transaction.atomic():
        job = lifecycle.locked(ImportJob, job_id)
        if job.status == JobStatus.SUCCEEDED:
            return job, False
        lifecycle.start(job, progress=10, message="Checking every row of the file", problems=[])
    return job, True


def summary_lines(result: ImportResult) -> list[str]:
    """What the job page lists: the round created (if it was), then the command's summary."""
    summary = result.summary_lines()
    if result.round_created:
        summary.insert(
            0,
            f"Created round {result.round.name} ({result.round.slug}) with the standard "
            "stage definitions.",
        )
    return summary


def _finish(job: ImportJob, result: ImportResult) -> ImportJob:
    """Mark the job done with what was imported, and say so in the activity log."""
    summary = summary_lines(result)
    with transaction.atomic():
        locked = lifecycle.locked(ImportJob, job.pk)
        lifecycle.finish(
            locked,
            message=f"Imported into {result.round.name}",
            round=result.round,
            round_created=result.round_created,
            summary=summary,
        )
        activity_record(
            verb="import.finished",
            summary=f"{locked.original_name} imported into {result.round.name}: " + summary[-2],
            actor=locked.requested_by,
            target=locked,
        )
    return locked


def import_run(*, job_id: int) -> ImportJob:
    """Import a job's file (called by the worker). The file is checked whole, then imported in
    one transaction: problems with the file leave the job failed with every problem listed and
    nothing written; other errors leave it failed (retryable) and are raised again for Celery.
    Idempotent: a job that has succeeded is returned as it is (and re-importing changes nothing
    anyway)."""
    job, to_do = _start(job_id)
    if not to_do:
        return job
    try:
        try:
            records = read_records(job.file.path, round_slug=job.round_slug)
            lifecycle.set_progress(
                ImportJob, job.pk, 30, f"Importing {len(records)} records in one transaction"
            )
            result = Importer(
                records=records,
                round_slug=job.round_slug,
                source=job.original_name,
                progress=progress_reporter(
                    lambda percent, message: lifecycle.set_progress(
                        ImportJob, job.pk, percent, message
                    )
                ),
            ).run()
        except ImportFailed as failed:
            lifecycle.fail(
                ImportJob, job.pk, message="Nothing was imported", problems=failed.errors
            )
            job.refresh_from_db()
            return job
        return _finish(job, result)
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        lifecycle.fail(
            ImportJob,
            job.pk,
            error=lifecycle.readable_error(
                exc, "The import could not be finished; nothing was imported"
            ),
        )
        raise
