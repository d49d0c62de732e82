"""What a job's page shows, for report and export jobs alike: the sentence saying where the job
has got to, and the URLs the shared progress panel (reports/_job_progress.html) polls, downloads
from and retries with."""

from django.urls import reverse

from ..models import JobStatus
from .lifecycle import WAITING_MESSAGE, waiting_for_broker


def job_state_message(job, user, *, waiting: bool, what: str = "") -> tuple[str, str]:
    """(tone, sentence) saying where the job has got to now: queued, being prepared, ready or
    failed. Rendered in the progress panel, so it changes with the job as the page polls."""
    who = "Your" if job.requested_by_id == user.pk else "This"
    what = f"{who} {what or job.get_kind_display().lower()}"
    if job.status == JobStatus.SUCCEEDED:
        return "success", f"{what} is ready: download it below."
    if job.status == JobStatus.FAILED:
        return "danger", f"{what} could not be made: the reason is below."
    if waiting:
        return (
            "warning",
            f"{what} is queued: it will start when the background service is available.",
        )
    if job.status == JobStatus.QUEUED:
        return "info", f"{what} is queued: it will start as soon as a worker is free."
    return "info", f"{what} is being prepared."


def job_progress_context(user, job, *, noun, what, urls, download_label, can_retry) -> dict:
    """What the shared progress panel (reports/_job_progress.html) shows for a report or an
    export job: its state sentence and where to poll, download and retry."""
    waiting = waiting_for_broker(job)
    tone, state_message = job_state_message(job, user, waiting=waiting, what=what)
    progress_url, download_url, retry_url = (reverse(name, args=[job.pk]) for name in urls)
    return {
        "job": job,
        "noun": noun,
        "can_retry": can_retry,
        "waiting_for_broker": waiting,
        "waiting_message": WAITING_MESSAGE,
        "state_tone": tone,
        "state_message": state_message,
        "progress_url": progress_url,
        "download_url": download_url,
        "retry_url": retry_url,
        "download_label": download_label,
    }
