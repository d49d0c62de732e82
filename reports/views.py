"""The reports pages: ask for a report and follow it to its PDF, and the programme dashboard.
Exports and imports have their own views (`reports.exports.views`, `reports.imports.views`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from core.errors import require
from programmes.models import Area
from programmes.permissions import areas_visible_to

from . import selectors, services
from .exports.datasets import DATASETS
from .forms import AreaReportForm, ProgrammeReportForm
from .jobs.pages import job_progress_context
from .models import JobStatus, ReportKind
from .permissions import (
    can_export,
    can_import,
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
                kind=ReportKind.AREA_PROGRESS, actor=user, area=area_form.cleaned_data["area"]
            )
        elif (
            programme_form is not None
            and "programme_report" in request.POST
            and programme_form.is_valid()
        ):
            job = services.report_request(
                kind=ReportKind.PROGRAMME, actor=user, round=programme_form.cleaned_data["round"]
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
            "export_datasets": [(d.slug, d.title) for d in DATASETS.values()],
            "dashboard_round": selectors.dashboard_round() if may_request_programme else None,
        },
    )


def _announce(request, job, asked_at):
    """A repeated request finds the job already asked for; the job page's status line (which
    follows the job, see `job_state_message`) says where it has got to."""
    if job.created_at < asked_at:
        messages.info(
            request,
            f"This {job.get_kind_display().lower()} had already been asked for: "
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
    job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=request.user, area=area)
    _announce(request, job, asked_at)
    return redirect("reports:job_detail", pk=job.pk)


def _job_context(user, job) -> dict:
    return job_progress_context(
        user,
        job,
        noun="report",
        what="",
        urls=("reports:job_progress", "reports:job_download", "reports:job_retry"),
        download_label="Download the PDF",
        can_retry=can_retry_job(user, job)[0],
    )


@login_required
def job_detail(request, pk):
    job = _visible_job(request.user, pk)
    return render(
        request,
        "reports/job_detail.html",
        _job_context(request.user, job),
    )


@login_required
def job_progress(request, pk):
    """The htmx partial polled by the job page. It carries the polling trigger only while the job
    is queued or running, so the page stops asking once the report is ready or has failed."""
    job = _visible_job(request.user, pk)
    return render(
        request,
        "reports/_job_progress.html",
        _job_context(request.user, job),
    )


@login_required
@require_POST
def job_retry(request, pk):
    job = _visible_job(request.user, pk)
    allowed, reason = can_retry_job(request.user, job)
    if not allowed:
        messages.error(request, reason)
        return redirect("reports:job_detail", pk=job.pk)
    services.report_retry(job=job, actor=request.user)
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


@login_required
def dashboard_current(request):
    """The dashboard of the live round (or the latest one)."""
    require(can_view_dashboard(request.user))
    round_ = selectors.dashboard_round()
    if round_ is None:
        return render(request, "reports/dashboard.html", {"rounds": [], "d": None})
    return redirect("reports:dashboard", slug=round_.slug)


@login_required
def dashboard(request, slug):
    """A round's pipeline at a glance: stages, funnel, progression, and what needs doing."""
    require(can_view_dashboard(request.user))
    rounds = selectors.dashboard_rounds()
    round_ = selectors.dashboard_round_among(rounds, slug)
    if round_ is None:
        raise Http404("No such round.")
    d = selectors.dashboard(round=round_)
    return render(
        request,
        "reports/dashboard.html",
        {
            "d": d,
            "rounds": rounds,
            "can_export": can_export(request.user)[0],
            # The round's budget by financial year (grants.budgets), with the other figures.
            "budget": d["budget"],
        },
    )
