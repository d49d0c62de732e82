"""What every background job goes through, whatever it does: sent to its worker task once the
transaction that made it has committed, started (one more attempt), progress the page can see,
then finished or failed with an error a person can read; a failed job can be sent again."""

import datetime
import traceback

from django.db import transaction
from django.utils import timezone

from core.locking import lock

from ..models import BackgroundJob, ImportJob, JobStatus

# A job queued or running for longer than this has lost its worker (or its message): it is marked
# failed, so it neither blocks new requests for ever nor hides the problem.
STALE_AFTER = datetime.timedelta(minutes=30)


def locked(model: type[BackgroundJob], pk: int, **options) -> BackgroundJob:
    """The job's row, freshly read and locked until the transaction ends (see core.locking)."""
    return lock(model(pk=pk), **options)


def enqueue(job: BackgroundJob) -> None:
    """Send the job to its worker task once the transaction that made it has committed, so the
    worker never looks for a row it cannot see yet; the task's id is kept on the job."""
    # reports.tasks imports the services that call this function, so it is imported when a job
    # is sent rather than at module level (a genuine cycle).
    from reports import tasks

    task = tasks.records_import_job if isinstance(job, ImportJob) else tasks.report_generate

    def send():
        result = task.delay(job.pk)
        type(job).objects.filter(pk=job.pk).update(task_id=result.id or "")

    transaction.on_commit(send)


def requeue(job: BackgroundJob) -> None:
    """Put a failed job (its row locked by the caller) back in the queue and send a new task."""
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.progress_message = "Waiting for a worker"
    job.error = ""
    job.finished_at = None
    job.save(update_fields=["status", "progress", "progress_message", "error", "finished_at"])
    enqueue(job)


def start(job: BackgroundJob, *, progress: int, message: str, **fields) -> None:
    """Mark the job (row locked by the caller) running: one more attempt, started now, with no
    error yet. `fields` are the job kind's own fields to reset (an import's problems)."""
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.started_at = timezone.now()
    job.finished_at = None
    job.error = ""
    job.progress = progress
    job.progress_message = message
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(
        update_fields=[
            "status",
            "attempts",
            "started_at",
            "finished_at",
            "error",
            "progress",
            "progress_message",
            *fields,
        ]
    )


def set_progress(model: type[BackgroundJob], pk: int, percent: int, message: str) -> None:
    """Record how far the job has got. Called outside the job's own transaction, so the page
    polling the job sees each step as it happens."""
    model.objects.filter(pk=pk).update(
        progress=max(0, min(100, percent)), progress_message=message[:200]
    )


def finish(job: BackgroundJob, *, message: str, **fields) -> None:
    """Mark the job (row locked by the caller) done, with its result `fields` saved too."""
    job.status = JobStatus.SUCCEEDED
    job.progress = 100
    job.progress_message = message
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "progress", "progress_message", "finished_at", *fields])


def fail(model: type[BackgroundJob], pk: int, *, message: str = "Failed", **fields) -> None:
    """Mark the job failed, whatever its row says now (the worker may be half-way through)."""
    model.objects.filter(pk=pk).update(
        status=JobStatus.FAILED, progress_message=message, finished_at=timezone.now(), **fields
    )


def readable_error(exc: Exception, what: str) -> str:
    """What went wrong, in one line a person can pass on to whoever fixes it."""
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"{what} ({detail})."[:4000]


def is_stale(job: BackgroundJob) -> bool:
    """Queued or running for longer than STALE_AFTER: its worker or its message was lost."""
    return timezone.now() - (job.started_at or job.created_at) > STALE_AFTER
