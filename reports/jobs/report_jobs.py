"""Report jobs: asking for a report (at most one live job per report), the monthly programme
reports, trying a failed one again, and rendering the PDF (the worker's side). Views, the beat
task and the worker all go through these."""

import datetime
import logging
import os

from django.conf import settings
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
    """The queued or running job for this report (row locked). A job whose worker stopped is not
    failed here: the stall sweep (`lifecycle.requeue_stalled`) sends it again or fails it, so
    asking again while a job waits for the broker returns that job."""
    qs = ReportJob.objects.select_for_update().filter(kind=kind, status__in=LIVE_STATUSES)
    if kind == ReportKind.AREA_PROGRESS:
        qs = qs.filter(area=area, audience=audience)
    else:
        qs = qs.filter(round=round)
    return qs.order_by("created_at").first()


def report_request(
    *, kind: str, actor, area: Area | None = None, round: Round | None = None
) -> ReportJob:
    """Ask for a report. If the same report (kind, subject and edition) is already queued or
    running, that job is returned instead of a new one, so double clicks and impatient users do not
    pile up work. The task is sent after commit."""
    require(permissions.can_request_report(actor, kind=kind, area=area, round=round))
    if kind == ReportKind.AREA_PROGRESS:
        round = None
    else:
        area = None
    audience = permissions.audience_for(actor, area)
    if kind == ReportKind.PROGRAMME:
        # Programme reports have one edition (staff only).
        audience = Audience.STAFF

    def create() -> ReportJob:
        job = ReportJob.objects.create(
            kind=kind, area=area, round=round, audience=audience, requested_by=actor
        )
        activity_record(
            verb="report.requested",
            summary=f"{job.get_kind_display()} requested: {job.subject_label}",
            actor=actor,
            area=area,
            target=job,
        )
        lifecycle.enqueue(job)
        return job

    return lifecycle.live_or_new(
        lambda: _live_job(kind=kind, area=area, round=round, audience=audience), create
    )


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


def report_retry(*, job: ReportJob, actor) -> ReportJob:
    """Put a failed job back in the queue (with a fresh set of attempts) and ask a worker for
    it again."""
    return lifecycle.retry(
        ReportJob,
        job,
        actor=actor,
        permission=lambda locked: permissions.can_retry_job(actor, locked),
        verb="report.retried",
        summary=lambda locked: f"{locked.get_kind_display()} tried again: {locked.subject_label}",
    )


def _save_pdf(job: ReportJob, pdf: bytes, token: str) -> bool:
    """Keep the PDF (replacing any earlier file) and mark the job ready, in one transaction with
    the check that this run still holds the claim; a run that lost it writes no file."""
    with transaction.atomic():
        locked = lifecycle.locked(ReportJob, job.pk)
        if locked.status != JobStatus.RUNNING or locked.claim_token != token:
            return False
        old = locked.file.name if locked.file else ""
        locked.file.save(job.download_name, ContentFile(pdf), save=False)
        lifecycle.finish(locked, token=token, message="Ready", file=locked.file)
        if old and old != locked.file.name:
            name = old
            transaction.on_commit(lambda: locked.file.storage.delete(name))
    return True


def _crash_for_test() -> None:
    # Test settings only: play a report that always kills its worker process (tests of the
    # attempts cap). Never set outside ourplace.settings.test.
    if getattr(settings, "REPORTS_TEST_CRASH_WORKER", False):
        os._exit(1)


def report_run(*, job_id: int, task_id: str = "") -> ReportJob | None:
    """Render a job's PDF (the worker's side). The job is claimed first: a message for a job that
    is running elsewhere, done or failed does nothing and returns None. On failure the job is
    marked failed with a readable error and the exception is raised again."""
    token = lifecycle.claim(ReportJob, job_id, task_id=task_id, progress=1, message="Starting")
    if token is None:
        logger.info("Report job %s is not queued; this message has nothing to do.", job_id)
        return None
    job = ReportJob.objects.select_related("area", "round").get(pk=job_id)
    _crash_for_test()
    ctx = ReportContext(
        kind=job.kind,
        area=job.area,
        round=job.round,
        audience=job.audience,
        report_date=job.report_date or timezone.localdate(),
    )
    try:
        with lifecycle.heartbeat(ReportJob, job.pk, token):
            pdf = report_pdf(
                ctx,
                on_progress=lambda p, m: lifecycle.set_progress(ReportJob, job.pk, p, m, token),
            )
            lifecycle.set_progress(ReportJob, job.pk, 95, "Saving the file", token)
            _save_pdf(job, pdf, token)
    except Exception as exc:
        logger.exception("Report job %s failed", job.pk)
        error = lifecycle.readable_error(exc, "The report could not be produced")
        if isinstance(exc, lifecycle.TRANSIENT_ERRORS):
            lifecycle.give_back(ReportJob, job.pk, token=token, error=error)
        else:
            lifecycle.fail(ReportJob, job.pk, token=token, error=error)
        raise
    job.refresh_from_db()
    return job
