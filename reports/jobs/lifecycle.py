"""What every background job goes through, whatever it does.

- **Sent through the outbox** (`enqueue`): the job's row and the message asking a worker for it
  are written in one transaction; if the broker is down the message waits and is sent when it is
  back, and the page says so (`waiting_for_broker`).
- **Claimed exactly once** (`claim`): one UPDATE moves the row from queued to running with a fresh
  claim token; a redelivered or duplicated message finds the job running or done and does nothing.
- **Heartbeats** while it runs (`set_progress`, `heartbeat`); progress and the result are written
  only by the run holding the claim (`finish`, `fail` check the token in the same transaction).
- **Stalled jobs** (no heartbeat for JOB_STALL_MINUTES: the worker was killed) are sent again by a
  beat task (`requeue_stalled`), at most JOB_MAX_ATTEMPTS times; then they fail with the reason
  and a person can retry them (`requeue`).
"""

import datetime
import threading
import traceback
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from activity.services import activity_record
from core.errors import require
from core.locking import lock
from core.outbox import outbox_add, outbox_waiting

from ..models import BackgroundJob, ExportJob, ImportJob, JobStatus, ReportJob

# The Celery task that runs each kind of job (its registered name: the outbox stores names).
TASKS = {
    ReportJob: "reports.tasks.report_generate",
    ImportJob: "reports.tasks.records_import_job",
    ExportJob: "reports.tasks.export_generate",
}
# Errors worth trying again automatically: the database or the disk hiccuped.
TRANSIENT_ERRORS = (OperationalError, OSError)
WAITING_MESSAGE = "Queued: it will start when the background service is available"


def stall_after() -> datetime.timedelta:
    """How long a running job may go without a heartbeat before it counts as stalled."""
    return datetime.timedelta(minutes=float(settings.JOB_STALL_MINUTES))


def max_attempts() -> int:
    return int(settings.JOB_MAX_ATTEMPTS)


def locked(model: type[BackgroundJob], pk: int, **options) -> BackgroundJob:
    """The job's row, freshly read and locked until the transaction ends (see core.locking)."""
    return lock(model(pk=pk), **options)


def enqueue(job: BackgroundJob) -> None:
    """Ask a worker for the job through the outbox, in the caller's transaction: the message is
    sent after commit, or later by the outbox sweep if the broker is down."""
    # Registers the tasks with this process's Celery app, so the outbox sends them as tasks (eager
    # in tests) rather than by name; imported here because reports.tasks imports this module.
    from reports import tasks  # noqa: F401

    outbox_add(
        task=TASKS[type(job)],
        args=[job.pk],
        description=f"{type(job).__name__} {job.pk}",
    )


def waiting_for_broker(job: BackgroundJob) -> bool:
    """True while the job is queued and its message is still in the outbox (the broker was
    unreachable when it was asked for): the page says it will start when the service is back."""
    return (
        job.status == JobStatus.QUEUED
        and outbox_waiting(task=TASKS[type(job)], args=[job.pk]) is not None
    )


def requeue(job: BackgroundJob, *, message: str = "Waiting for a worker", error: str = "") -> None:
    """Put a job (its row locked by the caller) back in the queue and ask a worker for it again.
    A person's retry starts the attempts afresh; the stall sweep keeps counting them."""
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.progress_message = message
    job.error = error
    job.finished_at = None
    job.claim_token = ""
    job.heartbeat_at = None
    job.save(
        update_fields=[
            "status",
            "progress",
            "progress_message",
            "error",
            "finished_at",
            "claim_token",
            "heartbeat_at",
        ]
    )
    enqueue(job)


def retry_by_person(job: BackgroundJob) -> None:
    """A person asks for a failed job again (row locked by the caller): a fresh set of attempts."""
    job.attempts = 0
    job.save(update_fields=["attempts"])
    requeue(job)


def live_or_new(find, create) -> BackgroundJob:
    """The live job `find()` returns (row locked), or the one `create()` makes when there is none,
    in one transaction. Two requests at once can both find nothing and both insert: the one-live-
    job constraint refuses the second, which then looks again in a fresh transaction and finds
    the winner's job (or, if that has finished already, makes its own)."""
    for _ in range(3):
        try:
            with transaction.atomic():
                existing = find()
                return existing if existing is not None else create()
        except IntegrityError:
            continue
    raise RuntimeError("The request kept losing races to other requests; try again.")


def retry(model: type[BackgroundJob], job, *, actor, permission, verb: str, summary):
    """A person retries a failed job: `permission(locked)` is checked on the locked row, the job
    goes back to the queue with fresh attempts, and the activity entry `verb` (with
    `summary(locked)`) is recorded, all in one transaction. Returns `job`, refreshed."""
    with transaction.atomic():
        row = locked(model, job.pk)
        require(permission(row))
        retry_by_person(row)
        activity_record(
            verb=verb,
            summary=summary(row),
            actor=actor,
            area=getattr(row, "area", None),
            target=row,
        )
    job.refresh_from_db()
    return job


def claim(
    model: type[BackgroundJob], pk: int, *, task_id: str = "", progress: int, message: str, **fields
) -> str | None:
    """Take the job for this run: queued -> running with a new claim token, one more attempt, in
    one UPDATE ... WHERE status = 'queued'. Returns the token, or None when the job is running
    elsewhere, done, failed or gone (a redelivered message then does nothing). `fields` are the
    job kind's own fields to reset (an import's problems)."""
    from django.db.models import F

    token = uuid.uuid4().hex
    now = timezone.now()
    taken = model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        claim_token=token,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        error="",
        progress=progress,
        progress_message=message[:200],
        task_id=(task_id or "")[:64],
        **fields,
    )
    return token if taken else None


def _held(model: type[BackgroundJob], pk: int, token: str):
    return model.objects.filter(pk=pk, status=JobStatus.RUNNING, claim_token=token)


def set_progress(
    model: type[BackgroundJob], pk: int, percent: int, message: str, token: str | None = None
) -> None:
    """Record how far the job has got, and that its worker is alive. Called outside the job's
    own transaction, so the page polling the job sees each step as it happens. With a token, only
    the run holding the claim moves it."""
    rows = _held(model, pk, token) if token else model.objects.filter(pk=pk)
    rows.update(
        progress=max(0, min(100, percent)),
        progress_message=message[:200],
        heartbeat_at=timezone.now(),
    )


@contextmanager
def heartbeat(model: type[BackgroundJob], pk: int, token: str):
    """Beat for the run while the body works (a PDF layout or a big import step can go minutes
    without a progress callback): a thread moves heartbeat_at every third of the stall time."""
    interval = max(0.5, min(30.0, stall_after().total_seconds() / 3))
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                _held(model, pk, token).update(heartbeat_at=timezone.now())
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def finish(job: BackgroundJob, *, token: str, message: str, **fields) -> bool:
    """Mark the job (row locked by the caller) done with its result `fields`, if this run still
    holds the claim. Returns False (writing nothing) when it does not."""
    if job.status != JobStatus.RUNNING or job.claim_token != token:
        return False
    job.status = JobStatus.SUCCEEDED
    job.progress = 100
    job.progress_message = message
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(
        update_fields=[
            "status",
            "progress",
            "progress_message",
            "finished_at",
            "heartbeat_at",
            *fields,
        ]
    )
    return True


def fail(
    model: type[BackgroundJob], pk: int, *, token: str, message: str = "Failed", **fields
) -> bool:
    """Mark the job failed, if this run still holds the claim. Returns whether it did."""
    return bool(
        _held(model, pk, token).update(
            status=JobStatus.FAILED, progress_message=message, finished_at=timezone.now(), **fields
        )
    )


def give_back(model: type[BackgroundJob], pk: int, *, token: str, error: str) -> bool:
    """A transient error (the database or the disk hiccuped): the job goes back to queued for
    Celery's automatic retry to claim again, unless it has had its attempts, when it fails.
    Returns True when it was given back."""
    if (
        _held(model, pk, token)
        .filter(attempts__lt=max_attempts())
        .update(
            status=JobStatus.QUEUED,
            claim_token="",
            progress_message="Failed; trying again automatically",
            error=error,
        )
    ):
        return True
    fail(model, pk, token=token, error=error)
    return False


def readable_error(exc: Exception, what: str) -> str:
    """What went wrong, in one line a person can pass on to whoever fixes it."""
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"{what} ({detail})."[:4000]


def _stalled_ids(model: type[BackgroundJob]) -> list[int]:
    cutoff = timezone.now() - stall_after()
    return list(
        model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )


def _requeue_or_fail(model: type[BackgroundJob], pk: int) -> str | None:
    """One stalled job: sent again, or failed once it has had its attempts."""
    with transaction.atomic():
        job = model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        cutoff = timezone.now() - stall_after()
        if job is None or job.status != JobStatus.RUNNING or job.heartbeat_at >= cutoff:
            return None
        minutes = f"{float(settings.JOB_STALL_MINUTES):g}"
        if job.attempts >= max_attempts():
            job.status = JobStatus.FAILED
            job.progress_message = "Failed"
            job.finished_at = timezone.now()
            job.claim_token = ""
            job.error = (
                f"The background worker stopped while doing this job {job.attempts} times (no "
                f"sign of life for {minutes} minutes each time), so it was not tried again "
                "automatically. Retry it once the cause is fixed, or tell the site's support team."
            )
            job.save(
                update_fields=["status", "progress_message", "finished_at", "claim_token", "error"]
            )
            return "failed"
        requeue(
            job,
            message=f"The worker stopped; trying again (attempt {job.attempts + 1} of "
            f"{max_attempts()})",
        )
        return "requeued"


def requeue_stalled() -> dict:
    """Send again every running job whose worker stopped (no heartbeat for JOB_STALL_MINUTES), or
    fail it after JOB_MAX_ATTEMPTS. Returns how many were requeued and failed (the beat task)."""
    counts = {"requeued": 0, "failed": 0}
    for model in TASKS:
        for pk in _stalled_ids(model):
            outcome = _requeue_or_fail(model, pk)
            if outcome:
                counts[outcome] += 1
    return counts
