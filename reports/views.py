from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.permissions import areas_visible_to
from programmes.models import Area, Round

from . import datasets, exports, selectors, services, threesixtygiving
from .forms import AreaReportForm, ImportForm, ProgrammeReportForm
from .imports import COLUMNS as IMPORT_COLUMNS
from .models import ImportJob, JobStatus, ReportKind
from .permissions import (
    can_export,
    can_import,
    can_retry_import,
    can_retry_job,
    can_use_reports_page,
    can_view_dashboard,
)


def _visible_job(user, pk):
    job = selectors.job_for(user=user, pk=pk)
    if job is None:
        raise Http404("No such report.")
    return job


@login_required
def index(request):
    """Request a report; see recent and scheduled ones."""
    user = request.user
    staff = perms.is_programme_staff(user)
    if not (staff or perms.is_lead_organisation_user(user)):
        raise PermissionDenied("Reports are for programme staff and lead organisations.")
    may_request_programme = can_use_reports_page(user)
    area_form = AreaReportForm(
        request.POST if "area_report" in request.POST else None, user=user, prefix="a"
    )
    programme_form = (
        ProgrammeReportForm(
            request.POST if "programme_report" in request.POST else None, prefix="p"
        )
        if may_request_programme
        else None
    )
    if request.method == "POST":
        asked_at = timezone.now()
        job = None
        if "area_report" in request.POST and area_form.is_valid():
            job = services.report_request(
                kind=ReportKind.AREA_PROGRESS, user=user, area=area_form.cleaned_data["area"]
            )
        elif (
            programme_form is not None
            and "programme_report" in request.POST
            and programme_form.is_valid()
        ):
            job = services.report_request(
                kind=ReportKind.PROGRAMME, user=user, round=programme_form.cleaned_data["round"]
            )
        if job is not None:
            _announce(request, job, asked_at)
            return redirect("reports:job_detail", pk=job.pk)
    return render(
        request,
        "reports/index.html",
        {
            "area_form": area_form,
            "programme_form": programme_form,
            "jobs": selectors.recent_jobs(user=user),
            "scheduled": selectors.scheduled_reports(user=user),
            "can_export": can_export(user)[0],
            "can_import": can_import(user)[0],
            "export_datasets": [(d.slug, d.title) for d in datasets.DATASETS.values()],
            "dashboard_round": selectors.dashboard_round() if may_request_programme else None,
        },
    )


def _announce(request, job, asked_at):
    if job.created_at >= asked_at:
        messages.success(request, f"Your {job.get_kind_display().lower()} is being prepared.")
    else:
        messages.info(
            request,
            f"This {job.get_kind_display().lower()} is already being prepared; "
            "you can follow it here.",
        )


@login_required
@require_POST
def area_request(request, reference):
    """The button on an area page: ask for that area's progress report."""
    area = areas_visible_to(request.user, Area.objects.filter(reference=reference)).first()
    if area is None:
        raise Http404("No such area.")
    asked_at = timezone.now()
    job = services.report_request(kind=ReportKind.AREA_PROGRESS, user=request.user, area=area)
    _announce(request, job, asked_at)
    return redirect("reports:job_detail", pk=job.pk)


@login_required
def job_detail(request, pk):
    job = _visible_job(request.user, pk)
    return render(
        request,
        "reports/job_detail.html",
        {"job": job, "can_retry": can_retry_job(request.user, job)[0]},
    )


@login_required
def job_progress(request, pk):
    """The htmx partial polled by the job page. It carries the polling trigger only while the job
    is queued or running, so the page stops asking once the report is ready or has failed."""
    job = _visible_job(request.user, pk)
    return render(
        request,
        "reports/_job_progress.html",
        {"job": job, "can_retry": can_retry_job(request.user, job)[0]},
    )


@login_required
@require_POST
def job_retry(request, pk):
    job = _visible_job(request.user, pk)
    allowed, reason = can_retry_job(request.user, job)
    if not allowed:
        messages.error(request, reason)
        return redirect("reports:job_detail", pk=job.pk)
    services.report_retry(job=job, user=request.user)
    messages.success(request, "The report has been sent to be made again.")
    return redirect("reports:job_detail", pk=job.pk)


@login_required
def job_download(request, pk):
    job = _visible_job(request.user, pk)
    if job.status != JobStatus.SUCCEEDED or not job.file:
        raise Http404("This report is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The report file is missing; ask for it again.")
    return FileResponse(
        handle, as_attachment=True, filename=job.download_name, content_type="application/pdf"
    )


def _export_allowed(user):
    allowed, reason = can_export(user)
    if not allowed:
        raise PermissionDenied(reason)


def _export_name(ext):
    return f"ourplace-areas-{timezone.localdate():%Y-%m-%d}.{ext}"


@login_required
def export_areas_csv(request):
    _export_allowed(request.user)
    areas = exports.filtered_areas(user=request.user, params=request.GET)
    response = StreamingHttpResponse(
        exports.csv_lines(exports.area_rows(areas)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@login_required
def export_areas_xlsx(request):
    _export_allowed(request.user)
    areas = exports.filtered_areas(user=request.user, params=request.GET)
    return FileResponse(
        exports.xlsx_file(exports.area_rows(areas)),
        as_attachment=True,
        filename=_export_name("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _round_from(request):
    slug = request.GET.get("round")
    if not slug:
        return None
    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None:
        raise Http404("No such round.")
    return round_


@login_required
def export_360giving_csv(request):
    """Awards in the 360Giving standard's spreadsheet columns, streamed."""
    _export_allowed(request.user)
    rows = threesixtygiving.csv_rows(round=_round_from(request))
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    name = f"ourplace-360giving-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_360giving_json(request):
    """Awards as a 360Giving JSON package ({"grants": [...]})."""
    _export_allowed(request.user)
    data = threesixtygiving.package(round=_round_from(request))
    response = JsonResponse(data, json_dumps_params={"indent": 1})
    name = f"ourplace-360giving-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _dashboard_allowed(user):
    allowed, reason = can_view_dashboard(user)
    if not allowed:
        raise PermissionDenied(reason)


@login_required
def dashboard_current(request):
    """The dashboard of the live round (or the latest one)."""
    _dashboard_allowed(request.user)
    round_ = selectors.dashboard_round()
    if round_ is None:
        return render(request, "reports/dashboard.html", {"rounds": [], "d": None})
    return redirect("reports:dashboard", slug=round_.slug)


@login_required
def dashboard(request, slug):
    """A round's pipeline at a glance: stages, funnel, progression, and what needs doing."""
    _dashboard_allowed(request.user)
    round_ = selectors.dashboard_round(slug)
    if round_ is None:
        raise Http404("No such round.")
    return render(
        request,
        "reports/dashboard.html",
        {
            "d": selectors.dashboard(round=round_),
            "rounds": selectors.dashboard_rounds(),
            "can_export": can_export(request.user)[0],
        },
    )


def _dataset(name):
    dataset = datasets.DATASETS.get(name)
    if dataset is None:
        raise Http404("No such export.")
    return dataset


def _dataset_filename(dataset, ext):
    return f"ourplace-{dataset.slug}-{timezone.localdate():%Y-%m-%d}.{ext}"


@login_required
def export_dataset_csv(request, dataset):
    """Applications, payments, the support log or progress returns as CSV, streamed row by row.
    The list page's query string filters it the same way."""
    _export_allowed(request.user)
    data = _dataset(dataset)
    response = StreamingHttpResponse(
        exports.csv_lines(data.rows(user=request.user, params=request.GET)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_dataset_filename(data, "csv")}"'
    return response


@login_required
def export_dataset_xlsx(request, dataset):
    _export_allowed(request.user)
    data = _dataset(dataset)
    return FileResponse(
        exports.xlsx_file(data.rows(user=request.user, params=request.GET), title=data.title),
        as_attachment=True,
        filename=_dataset_filename(data, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- Importing a CRM export ------------------------------------------------------------------


def _import_allowed(user):
    allowed, reason = can_import(user)
    if not allowed:
        raise PermissionDenied(reason)


@login_required
def import_index(request):
    """Upload a CRM export; see recent imports."""
    _import_allowed(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_request(
            user=request.user,
            upload=form.cleaned_data["file"],
            round_slug=form.cleaned_data["round_slug"],
        )
        messages.success(request, f"{job.original_name} is being imported.")
        return redirect("reports:import_detail", pk=job.pk)
    return render(
        request,
        "reports/import_index.html",
        {
            "form": form,
            "jobs": ImportJob.objects.select_related("requested_by", "round")[:20],
            "round_slugs": Round.objects.order_by("-starts_on").values_list("slug", "name"),
            "columns": ",".join(IMPORT_COLUMNS),
        },
    )


def _visible_import(user, pk) -> ImportJob:
    _import_allowed(user)
    job = ImportJob.objects.select_related("requested_by", "round").filter(pk=pk).first()
    if job is None:
        raise Http404("No such import.")
    return job


@login_required
def import_detail(request, pk):
    job = _visible_import(request.user, pk)
    return render(
        request,
        "reports/import_detail.html",
        {"job": job, "can_retry": can_retry_import(request.user, job)[0]},
    )


@login_required
def import_progress(request, pk):
    """The htmx partial polled by the import page while the job is queued or running."""
    job = _visible_import(request.user, pk)
    return render(
        request,
        "reports/_import_progress.html",
        {"job": job, "can_retry": can_retry_import(request.user, job)[0]},
    )


@login_required
@require_POST
def import_retry(request, pk):
    job = _visible_import(request.user, pk)
    allowed, reason = can_retry_import(request.user, job)
    if not allowed:
        messages.error(request, reason)
        return redirect("reports:import_detail", pk=job.pk)
    services.import_retry(job=job, user=request.user)
    messages.success(request, "The import has been sent to a worker again.")
    return redirect("reports:import_detail", pk=job.pk)
