"""Import jobs: a CRM export uploaded on the imports page, kept, and imported by a worker through
the same pipeline as ``manage.py import_records``. Views and the worker go through these."""

import logging

from django.db import transaction

from activity.services import activity_record
from core.errors import require

from .. import permissions
from ..jobs import lifecycle
from ..models import ImportJob
from .pipeline import Importer, ImportResult, progress_reporter
from .reading import ImportFailed, read_records_from

logger = logging.getLogger("reports.services")


def import_request(*, actor, upload, round_slug: str) -> ImportJob:
    """Keep an uploaded CRM export and send it to a worker to import. Nothing is imported here:
    the worker checks the whole file first and imports it all or nothing."""
    require(permissions.can_import(actor))
    with transaction.atomic():
        job = ImportJob(
            original_name=(upload.name or "records.csv")[:200],
            round_slug=round_slug,
            requested_by=actor,
            progress_message="Waiting for a worker",
        )
        job.file.save("records.csv", upload, save=False)
        job.save()
        activity_record(
            verb="import.requested",
            summary=f"Import of {job.original_name} into {round_slug} requested",
            actor=actor,
            target=job,
        )
        lifecycle.enqueue(job)
    return job


def import_retry(*, job: ImportJob, actor) -> ImportJob:
    """Send a failed import (one that failed for a reason other than the file's contents) to a
    worker again, with a fresh set of attempts."""
    return lifecycle.retry(
        ImportJob,
        job,
        actor=actor,
        permission=lambda locked: permissions.can_retry_import(actor, locked),
        verb="import.retried",
        summary=lambda locked: (
            f"Import of {locked.original_name} into {locked.round_slug} tried again"
        ),
    )


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


def _finish(job: ImportJob, result: ImportResult, token: str) -> None:
    """Mark the job done with what was imported, and say so in the activity log, in one
    transaction with the check that this run still holds the claim."""
    summary = summary_lines(result)
    with transaction.atomic():
        locked = lifecycle.locked(ImportJob, job.pk)
        done = lifecycle.finish(
            locked,
            token=token,
            message=f"Imported into {result.round.name}",
            round=result.round,
            round_created=result.round_created,
            summary=summary,
        )
        if done:
            activity_record(
                verb="import.finished",
                summary=f"{locked.original_name} imported into {result.round.name}: " + summary[-2],
                actor=locked.requested_by,
                target=locked,
            )


def _read_upload(job: ImportJob, *, round_slug: str, progress) -> list:
    """The job's records, read from the private storage (the worker may be on another machine
    than the web process that kept the upload: no local path)."""
    try:
        handle = job.file.storage.open(job.file.name, "rb")
    except FileNotFoundError:
        raise ImportFailed([f"{job.original_name}: the uploaded file is missing; upload it again."])
    with handle:
        return read_records_from(handle, round_slug=round_slug, progress=progress)


def import_run(*, job_id: int, task_id: str = "") -> ImportJob | None:
    """Import a job's file (called by the worker). The job is claimed first: a message for a job
    that is running elsewhere, done or failed does nothing and returns None. Problems with the
    file (a file the csv module cannot read among them) leave the job failed with the first
    problems listed, all of them counted, and nothing written: a retry could not help. Other
    errors leave it failed (retryable) and are raised again for Celery."""
    token = lifecycle.claim(
        ImportJob,
        job_id,
        task_id=task_id,
        progress=10,
        message="Checking every row of the file",
        problems=[],
        problem_count=0,
    )
    if token is None:
        logger.info("Import job %s is not queued; this message has nothing to do.", job_id)
        return None
    job = ImportJob.objects.get(pk=job_id)
    try:
        with lifecycle.heartbeat(ImportJob, job.pk, token):
            try:
                records = _read_upload(
                    job,
                    round_slug=job.round_slug,
                    progress=lambda done, total: lifecycle.set_progress(
                        ImportJob,
                        job.pk,
                        10 + int(20 * done / max(total, 1)),
                        f"Checked {done:,} of {total:,} rows",
                        token,
                    ),
                )
                lifecycle.set_progress(
                    ImportJob,
                    job.pk,
                    30,
                    f"Importing {len(records):,} records in one transaction",
                    token,
                )
                result = Importer(
                    records=records,
                    round_slug=job.round_slug,
                    source=job.original_name,
                    progress=progress_reporter(
                        lambda percent, message: lifecycle.set_progress(
                            ImportJob, job.pk, percent, message, token
                        )
                    ),
                ).run()
            except ImportFailed as failed:
                lifecycle.fail(
                    ImportJob,
                    job.pk,
                    token=token,
                    message="Nothing was imported",
                    problems=failed.errors,
                    problem_count=failed.count,
                )
            else:
                _finish(job, result, token)
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        error = lifecycle.readable_error(
            exc, "The import could not be finished; nothing was imported"
        )
        if isinstance(exc, lifecycle.TRANSIENT_ERRORS):
            lifecycle.give_back(ImportJob, job.pk, token=token, error=error)
        else:
            lifecycle.fail(ImportJob, job.pk, token=token, error=error)
        raise
    job.refresh_from_db()
    return job
