"""Downloads: the areas list, the other list pages' datasets and the 360Giving awards, for the
people who may export (programme managers and admins)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import require
from core.spreadsheets import csv_lines, xlsx_file

from .. import selectors
from ..models import ExportFormat, ExportJob, JobStatus
from ..permissions import can_export, can_export_payment_run
from ..views import job_progress_context
from . import jobs, threesixtygiving
from .areas import area_rows, filtered_areas
from .datasets import DATASETS, PAYMENT_RUN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dated(stem: str, ext: str) -> str:
    return f"ourplace-{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(rows, filename: str, **options) -> FileResponse:
    return FileResponse(
        xlsx_file(rows, **options), as_attachment=True, filename=filename, content_type=XLSX
    )


def _in_background(request, export: str, fmt: str):
    """When the export is too big for a web request: ask a worker for it and send the browser to
    the job's page (a tool, to the job's download URL, which answers 202 until the file is
    ready). None when it is small enough to stream now."""
    rows = jobs.EXPORTS[export].count(request.user, request.GET)
    if not jobs.runs_in_background(rows):
        return None
    job = jobs.export_request(
        actor=request.user,
        export=export,
        fmt=fmt,
        params=jobs.canonical_params(request.GET),
        filename=_dated(jobs.EXPORTS[export].stem, fmt),
    )
    if "text/html" in request.headers.get("Accept", ""):
        messages.info(
            request,
            f"{rows:,} rows is too many to send at once: the file is being made in the "
            "background, and this page offers it when it is ready.",
        )
        return redirect("reports:export_job", pk=job.pk)
    return redirect("reports:export_job_download", pk=job.pk)


@login_required
def export_areas_csv(request):
    require(can_export(request.user))
    if response := _in_background(request, "areas", ExportFormat.CSV):
        return response
    areas = filtered_areas(user=request.user, params=request.GET)
    return _csv_response(area_rows(areas), _dated("areas", "csv"))


@login_required
def export_areas_xlsx(request):
    require(can_export(request.user))
    if response := _in_background(request, "areas", ExportFormat.XLSX):
        return response
    areas = filtered_areas(user=request.user, params=request.GET)
    return _xlsx_response(area_rows(areas), _dated("areas", "xlsx"))


def _round_from(request):
    slug = request.GET.get("round")
    if not slug:
        return None
    round_ = selectors.round_by_slug(slug)
    if round_ is None:
        raise Http404("No such round.")
    return round_


@login_required
def export_360giving_csv(request):
    """Awards in the 360Giving standard's spreadsheet columns, streamed."""
    require(can_export(request.user))
    round_ = _round_from(request)
    if response := _in_background(request, "360giving", ExportFormat.CSV):
        return response
    rows = threesixtygiving.csv_rows(round=round_)
    return _csv_response(rows, _dated("360giving", "csv"))


@login_required
def export_360giving_json(request):
    """Awards as a 360Giving JSON package ({"grants": [...]}), streamed grant by grant."""
    require(can_export(request.user))
    round_ = _round_from(request)
    if response := _in_background(request, "360giving", ExportFormat.JSON):
        return response
    chunks = threesixtygiving.json_chunks(round=round_)
    response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_dated("360giving", "json")}"'
    return response


def _dataset(name):
    dataset = DATASETS.get(name)
    if dataset is None:
        raise Http404("No such export.")
    return dataset


@login_required
def export_dataset_csv(request, dataset):
    """Applications, payments, the support log or progress returns as CSV, streamed row by row.
    The list page's query string filters it the same way."""
    require(can_export(request.user))
    data = _dataset(dataset)
    rows = data.rows(user=request.user, params=request.GET)
    return _csv_response(rows, _dated(data.slug, "csv"))


@login_required
def export_dataset_xlsx(request, dataset):
    require(can_export(request.user))
    data = _dataset(dataset)
    rows = data.rows(user=request.user, params=request.GET)
    return _xlsx_response(rows, _dated(data.slug, "xlsx"), title=data.title)


def _payment_run(request, fmt: str):
    """The next payment run (approved payments, ready to pay) for finance: the same dataset path
    as the other lists' exports, made in the background when it is big."""
    require(can_export_payment_run(request.user))
    if response := _in_background(request, "payment-run", fmt):
        return response
    rows = PAYMENT_RUN.rows(user=request.user, params=request.GET)
    if fmt == ExportFormat.XLSX:
        return _xlsx_response(rows, _dated(PAYMENT_RUN.slug, "xlsx"), title=PAYMENT_RUN.title)
    return _csv_response(rows, _dated(PAYMENT_RUN.slug, "csv"))


@login_required
@require_GET
def export_payment_run_csv(request):
    return _payment_run(request, ExportFormat.CSV)


@login_required
@require_GET
def export_payment_run_xlsx(request):
    return _payment_run(request, ExportFormat.XLSX)


# --- Exports made in the background -------------------------------------------------------------

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: XLSX,
    ExportFormat.JSON: "application/json",
}


def _export_job(user, pk) -> ExportJob:
    """The person's own export job: a file made with their filters and their view of the data is
    not shown to anyone else."""
    job = ExportJob.objects.filter(pk=pk, requested_by=user).first()
    if job is None:
        raise Http404("No such export.")
    return job


def _export_context(user, job) -> dict:
    # The Reports page does not list exports: the page says how long its address stays useful.
    return {
        **_progress(user, job),
        "keep_days": int(settings.RETENTION.get("exports", 0)),
    }


def _progress(user, job) -> dict:
    return job_progress_context(
        user,
        job,
        noun="export",
        what=f"export of the {job.title[0].lower()}{job.title[1:]}",
        urls=(
            "reports:export_job_progress",
            "reports:export_job_download",
            "reports:export_job_retry",
        ),
        download_label=f"Download the {job.get_fmt_display()} file",
        can_retry=jobs.can_retry_export(user, job)[0],
    )


@login_required
@require_GET
def export_job(request, pk):
    job = _export_job(request.user, pk)
    return render(request, "reports/export_job.html", _export_context(request.user, job))


@login_required
@require_GET
def export_job_progress(request, pk):
    """The htmx partial polled by the export's page while the file is being made."""
    job = _export_job(request.user, pk)
    return render(request, "reports/_job_progress.html", _export_context(request.user, job))


@login_required
@require_GET
def export_job_download(request, pk):
    """The file once it is ready; until then 202 with Retry-After and where the job has got to
    (a script that fetched the export URL waits here), and 409 with the reason if it failed."""
    job = _export_job(request.user, pk)
    if job.status == JobStatus.FAILED:
        return JsonResponse({"status": job.status, "error": job.error}, status=409)
    if job.status != JobStatus.SUCCEEDED or not job.file:
        response = JsonResponse(
            {"status": job.status, "progress": job.progress, "message": job.progress_message},
            status=202,
        )
        response["Retry-After"] = "5"
        return response
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        return HttpResponse("The export file is missing; ask for it again.", status=410)
    return FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=CONTENT_TYPES[job.fmt]
    )


@login_required
@require_POST
def export_job_retry(request, pk):
    job = _export_job(request.user, pk)
    allowed, reason = jobs.can_retry_export(request.user, job)
    if not allowed:
        messages.error(request, reason)
    else:
        jobs.export_retry(job=job, actor=request.user)
        messages.success(request, "The export has been sent to be made again.")
    return redirect("reports:export_job", pk=job.pk)
