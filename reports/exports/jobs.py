"""Exports that grow with the programme (the areas list, the 360Giving awards) made by a worker
when they are big, so no web request holds a gunicorn worker for half a minute.

The export URL counts the rows first (one query). Up to EXPORT_BACKGROUND_ROWS it streams the file
as before; above that it asks for an ExportJob (`export_request`, at most one live job per person,
export, format and filters) and sends the browser to the job's page, which shows a progress bar
and the download link. A tool that is not a browser is sent to the job's download URL, which
answers 202 with Retry-After until the file is ready and then the file itself, so scripts that
fetch the export URL and follow redirects keep working.

The worker (`export_run`) writes the same rows, through the same functions, as the streamed
download: a job's file is the file the URL would have streamed.
"""

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict

from activity.services import activity_record
from core.errors import require
from core.spreadsheets import csv_lines, xlsx_file

from .. import selectors
from ..jobs import lifecycle
from ..models import LIVE_STATUSES, ExportFormat, ExportJob, JobStatus
from ..permissions import can_export, can_export_payment_run
from . import threesixtygiving
from .areas import area_rows, filtered_areas
from .datasets import PAYMENT_RUN

logger = logging.getLogger("reports.exports")

# How often (in rows) a running export records its progress.
PROGRESS_EVERY = 500


def _round(params):
    slug = params.get("round")
    return selectors.round_by_slug(slug) if slug else None


@dataclass(frozen=True)
class Export:
    """One export that can run in the background: what it is called, how many rows it will have
    for a person and filters, its rows (header first) for CSV and XLSX, and its JSON text when it
    has a JSON form."""

    name: str
    title: str
    stem: str
    count: Callable[..., int]
    rows: Callable[..., Iterator[list]]
    json_chunks: Callable[..., Iterator[str]] | None = None
    # Who may have it (a Decision): the person who asks, and again when the worker makes it.
    permission: Callable = can_export

    @property
    def formats(self) -> tuple[str, ...]:
        formats = (ExportFormat.CSV, ExportFormat.XLSX)
        if self.json_chunks is not None:
            formats = (ExportFormat.CSV, ExportFormat.JSON)
        return formats


EXPORTS = {
    "areas": Export(
        name="areas",
        title="Areas list",
        stem="areas",
        count=lambda user, params: filtered_areas(user=user, params=params).count(),
        rows=lambda user, params: area_rows(filtered_areas(user=user, params=params)),
    ),
    "360giving": Export(
        name="360giving",
        title="360Giving awards",
        stem="360giving",
        count=lambda user, params: threesixtygiving.awards(round=_round(params)).count(),
        rows=lambda user, params: threesixtygiving.csv_rows(round=_round(params)),
        json_chunks=lambda user, params: threesixtygiving.json_chunks(round=_round(params)),
    ),
    "payment-run": Export(
        name="payment-run",
        title="Payment run",
        stem="payment-run",
        count=lambda user, params: PAYMENT_RUN.queryset(user, params, None).count(),
        rows=lambda user, params: PAYMENT_RUN.rows(user=user, params=params),
        permission=can_export_payment_run,
    ),
}


def canonical_params(params: QueryDict) -> str:
    """The query string with its keys in order and empty values left out, so the same filters
    give the same job whatever order the list page wrote them in."""
    items = sorted((k, v) for k in params for v in params.getlist(k) if v != "")
    query = QueryDict(mutable=True)
    for key, value in items:
        query.appendlist(key, value)
    return query.urlencode()


def runs_in_background(rows: int) -> bool:
    return rows > int(settings.EXPORT_BACKGROUND_ROWS)


def _live_job(*, user, export: str, fmt: str, params: str) -> ExportJob | None:
    return (
        ExportJob.objects.select_for_update()
        .filter(requested_by=user, export=export, fmt=fmt, params=params)
        .filter(status__in=LIVE_STATUSES)
        .first()
    )


def export_request(*, actor, export: str, fmt: str, params: str, filename: str) -> ExportJob:
    """Ask a worker for an export (the same export, format and filters already under way for this
    person is returned instead). The task is sent after commit, through the outbox."""
    if export not in EXPORTS or fmt not in EXPORTS[export].formats:
        raise ValueError(f"No {fmt} export called {export!r}.")
    require(EXPORTS[export].permission(actor))

    def create() -> ExportJob:
        job = ExportJob.objects.create(
            export=export, fmt=fmt, params=params, requested_by=actor, filename=filename
        )
        activity_record(
            verb="export.requested",
            summary=f"Export requested: {job.title}",
            actor=actor,
            target=job,
        )
        lifecycle.enqueue(job)
        return job

    return lifecycle.live_or_new(
        lambda: _live_job(user=actor, export=export, fmt=fmt, params=params), create
    )


def export_retry(*, job: ExportJob, actor) -> ExportJob:
    """Put a failed export back in the queue with a fresh set of attempts."""
    return lifecycle.retry(
        ExportJob,
        job,
        actor=actor,
        permission=lambda locked: can_retry_export(actor, locked),
        verb="export.retried",
        summary=lambda locked: f"Export tried again: {locked.title}",
    )


def can_retry_export(user, job: ExportJob):
    if job.requested_by_id != user.pk:
        return False, "Only the person who asked for this export can retry it."
    if job.status != JobStatus.FAILED:
        return False, "Only a failed export can be tried again."
    return True, ""


def _counted(items, on_row) -> Iterator:
    for number, item in enumerate(items, start=1):
        if number % PROGRESS_EVERY == 0:
            on_row(number)
        yield item


def export_write(job: ExportJob, out, on_row: Callable[[int], None] = lambda n: None) -> None:
    """Write the job's file to the binary file `out`: the same rows the streamed URL sends."""
    export = EXPORTS[job.export]
    user, params = job.requested_by, QueryDict(job.params)
    if job.fmt == ExportFormat.JSON:
        for chunk in _counted(export.json_chunks(user, params), on_row):
            out.write(chunk.encode("utf-8"))
    elif job.fmt == ExportFormat.XLSX:
        with xlsx_file(_counted(export.rows(user, params), on_row), title=export.title) as tmp:
            shutil.copyfileobj(tmp, out)
    else:
        for line in csv_lines(_counted(export.rows(user, params), on_row)):
            out.write(line.encode("utf-8"))


def export_run(*, job_id: int, task_id: str = "") -> ExportJob | None:
    """Make an export's file (the worker's side), claimed first like every job: a message for a
    job that is running elsewhere, done or failed does nothing and returns None."""
    token = lifecycle.claim(ExportJob, job_id, task_id=task_id, progress=1, message="Starting")
    if token is None:
        logger.info("Export job %s is not queued; this message has nothing to do.", job_id)
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        allowed, reason = EXPORTS[job.export].permission(job.requested_by)
        if not allowed:
            lifecycle.fail(ExportJob, job.pk, token=token, error=reason)
            job.refresh_from_db()
            return job
        total = max(1, EXPORTS[job.export].count(job.requested_by, QueryDict(job.params)))

        def on_row(done: int) -> None:
            percent = 1 + int(93 * min(done, total) / total)
            message = f"{min(done, total):,} of {total:,} rows written"
            lifecycle.set_progress(ExportJob, job.pk, percent, message, token)

        with lifecycle.heartbeat(ExportJob, job.pk, token), tempfile.TemporaryFile() as out:
            export_write(job, out, on_row)
            out.seek(0)
            lifecycle.set_progress(ExportJob, job.pk, 95, "Saving the file", token)
            _save_file(job, out, token, rows=total)
    except Exception as exc:
        logger.exception("Export job %s failed", job.pk)
        error = lifecycle.readable_error(exc, "The export could not be made")
        if isinstance(exc, lifecycle.TRANSIENT_ERRORS):
            lifecycle.give_back(ExportJob, job.pk, token=token, error=error)
        else:
            lifecycle.fail(ExportJob, job.pk, token=token, error=error)
        raise
    job.refresh_from_db()
    return job


def _save_file(job: ExportJob, out, token: str, *, rows: int) -> bool:
    """Keep the file and mark the job ready, in one transaction with the check that this run
    still holds the claim; a run that lost it keeps no file."""
    with transaction.atomic():
        locked = lifecycle.locked(ExportJob, job.pk)
        if locked.status != JobStatus.RUNNING or locked.claim_token != token:
            return False
        locked.file.save(locked.filename, File(out), save=False)
        lifecycle.finish(locked, token=token, message="Ready", file=locked.file, rows=rows)
    return True
