"""The imports page: upload a CRM export, follow its import, try a failed one again. For
programme managers and admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import require

from .. import selectors
from ..jobs.lifecycle import WAITING_MESSAGE, waiting_for_broker
from ..models import ImportJob
from ..permissions import can_import, can_retry_import
from . import jobs, template
from .forms import ImportForm
from .reading import COLUMNS


@login_required
def import_index(request):
    """Upload a CRM export; see recent imports."""
    require(can_import(request.user))
    form = ImportForm(request.POST or None, request.FILES or None, rounds=selectors.round_choices())
    if request.method == "POST" and form.is_valid():
        job = jobs.import_request(
            actor=request.user,
            upload=form.cleaned_data["file"],
            round_slug=form.cleaned_data["round_slug"],
        )
        if waiting_for_broker(job):
            messages.warning(
                request,
                f"{job.original_name} is queued: it will start when the background service is "
                "available.",
            )
        else:
            messages.success(request, f"{job.original_name} is being imported.")
        return redirect("reports:import_detail", pk=job.pk)
    return render(
        request,
        "reports/import_index.html",
        {
            "form": form,
            "jobs": selectors.recent_imports(),
            "columns": ",".join(COLUMNS),
            "guide": template.column_guide(),
        },
    )


@login_required
def import_template(request):
    """A CSV to start from: the header and example records (the page lists every column's
    allowed values)."""
    require(can_import(request.user))
    response = HttpResponse(template.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="crm-import-template.csv"'
    return response


def _visible_import(user, pk) -> ImportJob:
    require(can_import(user))
    job = selectors.import_job(pk)
    if job is None:
        raise Http404("No such import.")
    return job


def _job_context(user, job) -> dict:
    return {
        "job": job,
        "can_retry": can_retry_import(user, job)[0],
        "waiting_for_broker": waiting_for_broker(job),
        "waiting_message": WAITING_MESSAGE,
    }


@login_required
def import_detail(request, pk):
    job = _visible_import(request.user, pk)
    return render(
        request,
        "reports/import_detail.html",
        _job_context(request.user, job),
    )


@login_required
def import_progress(request, pk):
    """The htmx partial polled by the import page while the job is queued or running."""
    job = _visible_import(request.user, pk)
    return render(
        request,
        "reports/_import_progress.html",
        _job_context(request.user, job),
    )


@login_required
@require_POST
def import_retry(request, pk):
    job = _visible_import(request.user, pk)
    allowed, reason = can_retry_import(request.user, job)
    if not allowed:
        messages.error(request, reason)
        return redirect("reports:import_detail", pk=job.pk)
    jobs.import_retry(job=job, actor=request.user)
    messages.success(request, "The import has been sent to a worker again.")
    return redirect("reports:import_detail", pk=job.pk)
