"""The task wrapper every job task shares: the Celery options and `run_job`, which runs one job
through its service.

Job tasks are acknowledged late and rejected (so redelivered) when their worker process dies:
that is safe because a job is claimed with a compare-and-set on its row (`lifecycle.claim`), so a
redelivered message for a job that is running or done does nothing. Time limits are per task in
settings (CELERY_TASK_ANNOTATIONS)."""

import logging

from django.utils import timezone

from ..models import JobStatus
from .lifecycle import TRANSIENT_ERRORS

logger = logging.getLogger("reports.tasks")

# Every job task: autoretried with back-off on transient errors, acknowledged only when done,
# and put back in the queue if the worker process running it dies.
JOB_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


def run_job(task, model, job_id: int, run) -> str:
    """Run one job through its service and return its status ("nothing to do" when the message
    found the job running elsewhere, done, failed or gone). A transient error is raised again for
    Celery to retry (the service gave the job back to the queue); after the last retry a job
    still waiting for it is failed, so it never waits for ever."""
    try:
        job = run(job_id=job_id, task_id=task.request.id or "")
    except TRANSIENT_ERRORS:
        if task.request.retries >= task.max_retries:
            model.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED, progress_message="Failed", finished_at=timezone.now()
            )
        raise
    return job.status if job is not None else "nothing to do"
