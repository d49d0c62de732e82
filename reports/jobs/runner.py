"""The task wrapper every job task shares: the Celery options (acknowledged only when done,
retried with back-off on transient errors) and `run_job`, which runs one job through its service."""

import logging

from django.db import OperationalError

logger = logging.getLogger("reports.tasks")

TRANSIENT_ERRORS = (OperationalError, OSError)

# Every job task: autoretried with back-off on transient errors, acknowledged only when done.
JOB_TASK = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
}


def run_job(task, model, job_id: int, run) -> str:
    """Run one job through its service, unless its row is gone, and return its status. A
    transient error is raised again for Celery to retry, after telling the page that it will be."""
    if not model.objects.filter(pk=job_id).exists():
        logger.warning("%s %s no longer exists; nothing to do.", model.__name__, job_id)
        return "missing"
    try:
        job = run(job_id=job_id)
    except TRANSIENT_ERRORS:
        if task.request.retries < task.max_retries:
            model.objects.filter(pk=job_id).update(
                progress_message="Failed; trying again automatically"
            )
        raise
    return job.status
