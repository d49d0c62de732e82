"""Signing up, choosing a round, drafting and sending an application, and the programme
managers' assessment queue with its bulk decisions."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, confirmed, selection_fingerprint
from core.errors import errors_to_form, message_for, require
from programmes.models import Round
from programmes.permissions import organisations_editable_by
from programmes.services import applicant_register

from .. import confirmations, selectors, services
from .. import permissions as app_perms
from ..filters import ApplicationFilter
from ..forms import (
    ApplicationForm,
    AssignAssessorForm,
    BulkDecisionForm,
    PartnerFormSet,
    RegisterForm,
    partner_rows,
)
from ..models import ApplicationStatus
from ..workflows import APPLICATION
from .scope import PAGE_SIZE, visible_application


def register(request):
    """A new applicant creates their account and organisation, then starts an application."""
    if request.user.is_authenticated:
        return redirect("applications:apply")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = applicant_register(
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
                organisation_name=data["organisation_name"],
                org_type=data["org_type"],
                job_title=data["job_title"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors_to_form(form, exc)
            else:
                form.add_error("password1", exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready. Choose a round to apply to.")
            _warn_if_duplicate(request, user)
            return redirect("applications:apply")
    return render(request, "applications/register.html", {"form": form})


def _warn_if_duplicate(request, user) -> None:
    """Tell the new applicant when their organisation looks like one already registered (the
    flag is recorded for staff by diligence when the organisation is saved)."""
    from diligence.duplicates import warning_for

    for organisation in organisations_editable_by(user):
        if warning := warning_for(organisation):
            messages.warning(request, warning)


@login_required
def apply(request):
    """Choose an open round to apply to."""
    require(app_perms.can_apply(request.user))
    rounds = [r for r in selectors.open_rounds() if r.is_open_for_applications()]
    return render(request, "applications/apply.html", {"rounds": rounds})


def _organisations_for(user):
    return organisations_editable_by(user).order_by("name")


def _application_form_page(request, *, round, application=None):
    organisations = _organisations_for(request.user)
    if not organisations.exists():
        messages.error(request, "Your account is not linked to an organisation yet.")
        return redirect("applications:my_applications")
    form = ApplicationForm(request.POST or None, instance=application, organisations=organisations)
    initial = (
        [
            {"name": p.name, "partner_type": p.partner_type, "involvement": p.involvement}
            for p in application.partners.all()
        ]
        if application
        else []
    )
    formset = PartnerFormSet(request.POST or None, initial=initial, prefix="partners")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        submitting = "submit" in request.POST
        try:
            with transaction.atomic():
                if application is None:
                    application = services.application_create(
                        round=round,
                        applicant=request.user,
                        organisation=form.cleaned_data["organisation"],
                        details=form.details(),
                        themes=list(form.cleaned_data["themes"]),
                        partners=partner_rows(formset),
                    )
                else:
                    application = services.application_update(
                        application=application,
                        actor=request.user,
                        details=form.details(),
                        themes=list(form.cleaned_data["themes"]),
                        partners=partner_rows(formset),
                    )
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            if not submitting:
                messages.success(request, "Your application is saved as a draft.")
                return redirect("applications:application_edit", application.pk)
            try:
                services.application_submit(application=application, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                # The draft is saved; show why it could not be sent, on the fields concerned.
                form = ApplicationForm(
                    request.POST, instance=application, organisations=organisations
                )
                form.is_valid()
                errors_to_form(form, exc)
                messages.error(request, "Your draft is saved, but it could not be submitted yet.")
            else:
                messages.success(
                    request,
                    f"Your application for {application.area_name} has been submitted.",
                )
                return redirect(application.get_absolute_url())
    return render(
        request,
        "applications/application_form.html",
        {"form": form, "formset": formset, "round": round, "application": application},
    )


@login_required
def application_new(request, round_slug):
    require(app_perms.can_apply(request.user))
    rnd = get_object_or_404(Round, slug=round_slug, status=Round.Status.OPEN)
    return _application_form_page(request, round=rnd)


@login_required
def application_edit(request, pk):
    application = visible_application(request.user, pk)
    allowed, reason = app_perms.can_edit_application(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect(application.get_absolute_url())
    return _application_form_page(request, round=application.round, application=application)


@login_required
def my_applications(request):
    require(app_perms.can_apply(request.user))
    applications = selectors.application_list(user=request.user).order_by("-created_at")
    return render(request, "applications/my_applications.html", {"applications": applications})


@login_required
@require_POST
def application_submit(request, pk):
    application = visible_application(request.user, pk)
    try:
        services.application_submit(application=application, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"Not submitted: {message_for(exc)}")
        if app_perms.can_edit_application(request.user, application)[0]:
            return redirect("applications:application_edit", application.pk)
    else:
        messages.success(request, "Your application has been submitted.")
    return redirect(application.get_absolute_url())


# "All N matching this filter" resolves the queue's filter (in its address) on the server; a
# selection bigger than this is refused (narrow the filter), so a confirmation stays readable.
BULK_LIMIT = 500
SCOPE_FILTER = "filter"


def _bulk_decide(request, base, results, bulk_form):
    """The queue's bulk action on the ticked applications, or on every one matching the filter
    (`results`, on every page). Admitting or rejecting goes through the confirmation step first
    (core/confirm.py): areas, grants and emails for each one; for the filter, confirming acts
    only if it still resolves to the applications the confirmation named."""
    by_filter = request.POST.get("scope") == SCOPE_FILTER
    if by_filter:
        ids = list(results.order_by().values_list("pk", flat=True)[: BULK_LIMIT + 1])
        if len(ids) > BULK_LIMIT:
            messages.error(
                request,
                f"More than {BULK_LIMIT} applications match this filter: narrow it (by round or "
                "status) and select them again.",
            )
            return redirect(request.get_full_path())
    else:
        ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
    if not ids:
        messages.error(request, "Tick at least one application first.")
        return None
    if not bulk_form.is_valid():
        return None
    chosen = list(base.filter(pk__in=ids).order_by("area_name"))
    decision = bulk_form.cleaned_data["decision"]
    fingerprint = selection_fingerprint(a.pk for a in chosen)
    changed = by_filter and confirmed(request) and request.POST.get("fingerprint") != fingerprint
    if decision != "start" and (changed or not confirmed(request)):
        count = f"{len(chosen)} application{pluralize(len(chosen))}"
        return confirmation_page(
            request,
            title=f"{decision} {count}",
            intro="For every application matching the filter of the queue." if by_filter else "",
            warning=(
                "Nothing has been done: the applications matching the filter have changed since "
                "the confirmation was shown. Check them again, then confirm."
                if changed
                else ""
            ),
            effects=confirmations.bulk_decision_effects(chosen, decision),
            button=f"{decision.capitalize()} {count}",
            back_url=request.get_full_path(),
            danger=decision == "reject",
            extra={"fingerprint": fingerprint} if by_filter else None,
        )
    if decision == "start":
        result = services.applications_start_assessment_bulk(
            applications=chosen, actor=request.user
        )
    else:
        result = services.applications_decide_bulk(
            applications=chosen,
            decision=decision,
            reasons=bulk_form.cleaned_data["reasons"],
            actor=request.user,
        )
    verb = {"start": "now under assessment", "admit": "admitted", "reject": "rejected"}[decision]
    if result.succeeded:
        messages.success(
            request,
            f"{len(result.succeeded)} {verb}: " + ", ".join(a.area_name for a in result.succeeded),
        )
    for application, reason in result.failed:
        messages.error(request, f"{application.area_name}: not done. {reason}")
    return redirect(request.get_full_path())


@login_required
def assessment_queue(request):
    """Programme managers' queue: filters, counts by status, and bulk decisions."""
    require(app_perms.can_assess(request.user))
    base = selectors.application_list(user=request.user).exclude(status=ApplicationStatus.DRAFT)
    params = request.GET.copy()
    if "status" not in params:
        # The queue opens on the work still to do; "Any status" shows everything.
        params["status"] = "open"
    app_filter = ApplicationFilter(params, queryset=base)
    results = app_filter.qs if app_filter.is_valid() else base
    # The badges count every status under the other filters, so they say where the work is.
    without_status = params.copy()
    without_status["status"] = ""
    others = ApplicationFilter(without_status, queryset=base)
    counts = selectors.status_counts(others.qs if others.is_valid() else base)
    if not request.GET.get("sort"):
        results = results.order_by("-submitted_at", "-pk")
    bulk_form = BulkDecisionForm(request.POST or None)
    if request.method == "POST":
        answer = _bulk_decide(request, base, results, bulk_form)
        if answer is not None:
            return answer
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/assessment_queue.html",
        {
            "filter": app_filter,
            "page_obj": page,
            "total": page.paginator.count,
            "counts": [
                (s, APPLICATION.label(s), counts[s.value])
                for s in ApplicationStatus
                if s != ApplicationStatus.DRAFT
            ],
            "bulk_form": bulk_form,
            "assign_form": AssignAssessorForm(
                assessors=selectors.possible_assessors(), prefix="assign"
            )
            if app_perms.can_assign_assessors(request.user)[0]
            else None,
            "rounds_for_register": list(Round.objects.order_by("-starts_on")[:1]),
            "open_count": counts[ApplicationStatus.SUBMITTED]
            + counts[ApplicationStatus.UNDER_ASSESSMENT],
        },
    )
