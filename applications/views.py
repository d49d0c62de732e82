"""Pages for applying, assessing, stage gates and extensions. Thin: every write is a service call,
and a refused move comes back as a message or a form error with what was typed still there."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.services import applicant_register
from core.errors import errors_to_form as _errors_to_form
from core.errors import message_for as _message_for
from core.errors import require as _require
from programmes import selectors as programme_selectors
from programmes.models import AreaStatus, Round

from . import permissions as app_perms
from . import selectors, services
from .filters import ApplicationFilter, GateFilter
from .forms import (
    ApplicationForm,
    AreaLeaveForm,
    AreaReinstateForm,
    BulkDecisionForm,
    DecisionForm,
    ExtensionForm,
    GateDecisionForm,
    GateForm,
    PartnerFormSet,
    RegisterForm,
    ScoreForm,
    WithdrawForm,
    partner_rows,
)
from .models import Application, ApplicationStatus, GateApplication, GateStatus
from .workflows import APPLICATION, GATE

PAGE_SIZE = 25


def _visible_application(user, pk) -> Application:
    application = selectors.application_detail(user=user, pk=pk)
    if application is None:
        raise Http404("No such application.")
    return application


def _visible_gate(user, pk) -> GateApplication:
    gate = selectors.gate_list(user=user).filter(pk=pk).first()
    if gate is None:
        raise Http404("No such application.")
    return gate


def _visible_area(user, reference):
    area = programme_selectors.area_list(user=user).filter(reference=reference).first()
    if area is None:
        raise Http404("No such area.")
    return area


# --- Sign-up and applying ---------------------------------------------------------------------


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
                _errors_to_form(form, exc)
            else:
                form.add_error("password1", exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready. Choose a round to apply to.")
            return redirect("applications:apply")
    return render(request, "applications/register.html", {"form": form})


@login_required
def apply(request):
    """Choose an open round to apply to."""
    _require(app_perms.can_apply(request.user))
    rounds = [r for r in selectors.open_rounds() if r.is_open_for_applications()]
    return render(request, "applications/apply.html", {"rounds": rounds})


def _organisations_for(user):
    return perms.organisations_editable_by(user).order_by("name")


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
                        user=request.user,
                        details=form.details(),
                        themes=list(form.cleaned_data["themes"]),
                        partners=partner_rows(formset),
                    )
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            if not submitting:
                messages.success(request, "Your application is saved as a draft.")
                return redirect("applications:application_edit", application.pk)
            try:
                services.application_submit(application=application, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                # The draft is saved; show why it could not be sent, on the fields concerned.
                form = ApplicationForm(
                    request.POST, instance=application, organisations=organisations
                )
                form.is_valid()
                _errors_to_form(form, exc)
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
    _require(app_perms.can_apply(request.user))
    rnd = get_object_or_404(Round, slug=round_slug, status=Round.Status.OPEN)
    return _application_form_page(request, round=rnd)


@login_required
def application_edit(request, pk):
    application = _visible_application(request.user, pk)
    allowed, reason = app_perms.can_edit_application(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect(application.get_absolute_url())
    return _application_form_page(request, round=application.round, application=application)


@login_required
def my_applications(request):
    _require(app_perms.can_apply(request.user))
    applications = selectors.application_list(user=request.user).order_by("-created_at")
    return render(request, "applications/my_applications.html", {"applications": applications})


@login_required
def application_detail(request, pk):
    """The applicant sees their answers and status; programme managers also score, recommend
    and decide here. Each form posts back to this page so a refusal keeps what was typed."""
    user = request.user
    application = _visible_application(user, pk)
    can_assess, _ = app_perms.can_assess(user)
    criteria = selectors.criteria_for(application.round) if can_assess else []
    scale = selectors.assessment_settings_for(application.round)
    mine = {s.criterion_id: s for s in application.scores.all() if s.assessor_id == user.pk}
    action = request.POST.get("action") if request.method == "POST" else None
    score_form = ScoreForm(
        request.POST if action == "score" else None,
        criteria=criteria,
        scale=scale,
        existing=mine,
        initial={
            "recommendation": application.recommendation,
            "recommendation_notes": application.recommendation_notes,
        },
    )
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    withdraw_form = WithdrawForm(request.POST if action == "withdraw" else None)

    if action:
        try:
            if action == "start":
                services.application_start_assessment(application=application, user=user)
                messages.success(request, "Assessment started.")
                return redirect(application.get_absolute_url())
            if action == "score" and score_form.is_valid():
                _require(app_perms.can_assess(user))
                with transaction.atomic():
                    for criterion, score, comment in score_form.scores():
                        services.application_score(
                            application=application,
                            criterion=criterion,
                            assessor=user,
                            score=score,
                            comment=comment,
                        )
                    if score_form.cleaned_data.get("recommendation") or score_form.cleaned_data.get(
                        "recommendation_notes"
                    ):
                        services.application_recommend(
                            application=application,
                            recommendation=score_form.cleaned_data["recommendation"],
                            notes=score_form.cleaned_data["recommendation_notes"],
                            user=user,
                        )
                messages.success(request, "Scores saved.")
                return redirect(application.get_absolute_url() + "#assessment")
            if action == "decide" and decision_form.is_valid():
                decided = services.application_decide(
                    application=application,
                    decision=decision_form.cleaned_data["decision"],
                    reasons=decision_form.cleaned_data["reasons"],
                    actor=user,
                )
                if decided.area_id:
                    messages.success(
                        request,
                        f"{decided.area_name} admitted as {decided.area.reference}, at Getting "
                        "Ready; its grant has been awarded.",
                    )
                else:
                    messages.success(request, f"{decided.area_name} was not admitted.")
                return redirect(application.get_absolute_url())
            if action == "withdraw" and withdraw_form.is_valid():
                services.application_withdraw(
                    application=application,
                    user=user,
                    reason=withdraw_form.cleaned_data["reason"],
                )
                messages.success(request, "The application has been withdrawn.")
                return redirect(application.get_absolute_url())
        except (ValidationError, PermissionDenied) as exc:
            target = {"score": score_form, "decide": decision_form, "withdraw": withdraw_form}.get(
                action
            )
            if target is not None and target.is_bound:
                _errors_to_form(target, exc)
            messages.error(request, _message_for(exc))

    moves = {m.target for m in APPLICATION.moves_for(application, user)}
    is_applicant = app_perms.acts_for_application(user, application)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "is_applicant": is_applicant,
            "can_assess": can_assess,
            "criteria": criteria,
            "scale": scale,
            "score_form": score_form,
            "decision_form": decision_form,
            "withdraw_form": withdraw_form,
            "can_edit": app_perms.can_edit_application(user, application)[0],
            "can_submit": is_applicant and "submitted" in moves,
            "can_start": "under_assessment" in moves,
            "can_decide": "admitted" in moves,
            "can_withdraw": "withdrawn" in moves and (is_applicant or can_assess),
            "can_score": can_assess and application.status == ApplicationStatus.UNDER_ASSESSMENT,
            "weighted": selectors.weighted_score(application, criteria) if criteria else None,
        },
    )


@login_required
@require_POST
def application_submit(request, pk):
    application = _visible_application(request.user, pk)
    try:
        services.application_submit(application=application, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"Not submitted: {_message_for(exc)}")
        if app_perms.can_edit_application(request.user, application)[0]:
            return redirect("applications:application_edit", application.pk)
    else:
        messages.success(request, "Your application has been submitted.")
    return redirect(application.get_absolute_url())


@login_required
def assessment_queue(request):
    """Programme managers' queue: filters, counts by status, and bulk decisions."""
    _require(app_perms.can_assess(request.user))
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
        ids = [int(i) for i in request.POST.getlist("selected") if i.isdigit()]
        if not ids:
            messages.error(request, "Tick at least one application first.")
        elif bulk_form.is_valid():
            chosen = list(base.filter(pk__in=ids).order_by("area_name"))
            decision = bulk_form.cleaned_data["decision"]
            if decision == "start":
                result = services.applications_start_assessment_bulk(
                    applications=chosen, user=request.user
                )
            else:
                result = services.applications_decide_bulk(
                    applications=chosen,
                    decision=decision,
                    reasons=bulk_form.cleaned_data["reasons"],
                    actor=request.user,
                )
            verb = {"start": "now under assessment", "admit": "admitted", "reject": "rejected"}[
                decision
            ]
            if result.succeeded:
                messages.success(
                    request,
                    f"{len(result.succeeded)} {verb}: "
                    + ", ".join(a.area_name for a in result.succeeded),
                )
            for application, reason in result.failed:
                messages.error(request, f"{application.area_name}: not done. {reason}")
            return redirect(request.get_full_path())
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
            "open_count": counts[ApplicationStatus.SUBMITTED]
            + counts[ApplicationStatus.UNDER_ASSESSMENT],
        },
    )


# --- Stage gates ------------------------------------------------------------------------------


@login_required
def gate_new(request, reference):
    area = _visible_area(request.user, reference)
    _require(app_perms.can_act_for_area(request.user, area))
    return _gate_form_page(request, area=area)


@login_required
def gate_edit(request, pk):
    gate = _visible_gate(request.user, pk)
    _require(app_perms.can_act_for_area(request.user, gate.area))
    if gate.status != GateStatus.DRAFT:
        messages.error(request, "This application has been sent, so it can no longer be changed.")
        return redirect(gate.get_absolute_url())
    return _gate_form_page(request, area=gate.area, gate=gate)


def _gate_form_page(request, *, area, gate=None):
    initial = {}
    if gate is None:
        stage = request.GET.get("stage", "getting_going")
        initial["target_stage"] = stage
        kind = services.GATE_MILESTONE_KIND.get(stage)
        milestone = area.round.milestones.filter(kind=kind).order_by("due_on").first()
        if milestone:
            initial["milestone"] = milestone.pk
        definition = area.round.stage_definitions.filter(stage=stage).first()
        if definition and definition.is_fixed_amount:
            initial["amount_requested"] = definition.grant_max
    form = GateForm(
        request.POST or None, request.FILES or None, instance=gate, area=area, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.GATE_FIELDS}
        submitting = "submit" in request.POST
        try:
            if gate is None:
                gate = services.gate_create(area=area, user=request.user, **data)
            else:
                gate = services.gate_update(gate=gate, user=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            if not submitting:
                messages.success(request, "Saved as a draft.")
                return redirect(gate.get_absolute_url())
            try:
                services.gate_submit(gate=gate, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form = GateForm(request.POST, instance=gate, area=area)
                form.is_valid()
                _errors_to_form(form, exc)
                messages.error(request, "Your draft is saved, but it could not be submitted.")
            else:
                messages.success(request, f"{gate.get_target_stage_display()} application sent.")
                return redirect(gate.get_absolute_url())
    return render(
        request, "applications/gate_form.html", {"form": form, "area": area, "gate": gate}
    )


@login_required
def gate_detail(request, pk):
    user = request.user
    gate = _visible_gate(user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    decision_form = GateDecisionForm(request.POST if action == "decide" else None, gate=gate)
    withdraw_form = WithdrawForm(request.POST if action == "withdraw" else None)
    if action:
        try:
            if action == "submit":
                services.gate_submit(gate=gate, user=user)
                messages.success(request, f"{gate.get_target_stage_display()} application sent.")
                return redirect(gate.get_absolute_url())
            if action == "decide" and decision_form.is_valid():
                data = decision_form.cleaned_data
                services.gate_decide(
                    gate=gate,
                    decision=data["decision"],
                    amount=data.get("amount"),
                    cba_required=data.get("cba_required", False),
                    extra_adviser_days=data.get("extra_adviser_days") or 0,
                    reasons=data["reasons"],
                    actor=user,
                )
                messages.success(
                    request,
                    f"{gate.area.reference}: {gate.get_target_stage_display()} "
                    f"{'approved' if data['decision'] == 'approve' else 'not approved'}.",
                )
                return redirect(gate.get_absolute_url())
            if action == "withdraw" and withdraw_form.is_valid():
                services.gate_withdraw(
                    gate=gate, user=user, reason=withdraw_form.cleaned_data["reason"]
                )
                messages.success(request, "The application has been withdrawn.")
                return redirect(gate.get_absolute_url())
        except (ValidationError, PermissionDenied) as exc:
            target = {"decide": decision_form, "withdraw": withdraw_form}.get(action)
            if target is not None and target.is_bound:
                _errors_to_form(target, exc)
            messages.error(request, _message_for(exc))
    moves = {m.target for m in GATE.moves_for(gate, user)}
    acts_for_area = app_perms.can_act_for_area(user, gate.area)[0]
    due, extension = services.gate_deadline(gate.area, gate.milestone)
    return render(
        request,
        "applications/gate_detail.html",
        {
            "gate": gate,
            "area": gate.area,
            "decision_form": decision_form,
            "withdraw_form": withdraw_form,
            "acts_for_area": acts_for_area,
            "can_edit": acts_for_area and gate.status == GateStatus.DRAFT,
            "can_submit": acts_for_area and "submitted" in moves,
            "can_decide": "approved" in moves,
            "can_withdraw": "withdrawn" in moves
            and (acts_for_area or app_perms.can_decide_gate(user)[0]),
            "due": due,
            "extension": extension,
            "definition": gate.area.round.stage_definitions.filter(stage=gate.target_stage).first(),
        },
    )


@login_required
def gate_evidence(request, pk, which):
    """Serve an evidence file, only to people who may see the area."""
    if which not in ("development_strategy", "logic_model"):
        raise Http404()
    gate = get_object_or_404(GateApplication.objects.select_related("area"), pk=pk)
    if not perms.can_view_area(request.user, gate.area)[0]:
        raise Http404("No such file.")
    file = getattr(gate, which)
    if not file:
        raise Http404("No file attached.")
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    return FileResponse(handle, as_attachment=True, filename=file.name.rsplit("/", 1)[-1])


@login_required
def gate_queue(request):
    _require(app_perms.can_decide_gate(request.user))
    base = selectors.gate_list(user=request.user).exclude(status=GateStatus.DRAFT)
    gate_filter = GateFilter(request.GET or None, queryset=base)
    results = gate_filter.qs if gate_filter.is_bound and gate_filter.is_valid() else base
    counts = selectors.gate_counts(results)
    results = results.order_by("-submitted_at", "-pk")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/gate_queue.html",
        {
            "filter": gate_filter,
            "page_obj": page,
            "total": page.paginator.count,
            "counts": [
                (s, GATE.label(s), counts[s.value]) for s in GateStatus if s != GateStatus.DRAFT
            ],
        },
    )


@login_required
def extension_new(request, reference):
    _require(app_perms.can_grant_extension(request.user))
    area = _visible_area(request.user, reference)
    form = ExtensionForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_grant(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{area.reference} may answer {form.cleaned_data['milestone'].name} until "
                f"{form.cleaned_data['new_due_on']:%-d %B %Y}.",
            )
            return redirect(area.get_absolute_url())
    return render(request, "applications/extension_form.html", {"form": form, "area": area})


# --- An area leaving the programme -----------------------------------------------------------


@login_required
def area_leave(request, reference):
    _require(app_perms.can_change_area_status(request.user))
    area = _visible_area(request.user, reference)
    if area.status != AreaStatus.ACTIVE:
        messages.error(
            request, f"{area.name} has already left the programme ({area.get_status_display()})."
        )
        return redirect(area.get_absolute_url())
    form = AreaLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.area_leave(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            done = [f"{area.name} is recorded as {area.get_status_display().lower()}."]
            gates, payments = len(result.gates_withdrawn), len(result.payments_cancelled)
            if gates:
                done.append(f"{gates} open stage-gate application{pluralize(gates)} withdrawn.")
            if payments:
                done.append(
                    f"{payments} unpaid payment{pluralize(payments)} totalling "
                    f"£{result.money_cancelled:,.2f} cancelled."
                )
            messages.success(request, " ".join(done))
            return redirect(area.get_absolute_url())
    effects = services.area_leaving_effects(area)
    return render(
        request,
        "applications/area_leave_form.html",
        {
            "area": area,
            "form": form,
            "effects": effects,
            "unpaid_total": sum(p.amount for p in effects["payments"]),
        },
    )


@login_required
def area_reinstate(request, reference):
    _require(app_perms.can_change_area_status(request.user))
    area = _visible_area(request.user, reference)
    if area.status == AreaStatus.ACTIVE:
        messages.info(request, f"{area.name} is already active in the programme.")
        return redirect(area.get_absolute_url())
    form = AreaReinstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_reinstate(area=area, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{area.name} is active again at {area.get_stage_display()}. Payments cancelled "
                "when it left stay cancelled: schedule what is owed on its awards.",
            )
            return redirect(area.get_absolute_url())
    return render(request, "applications/area_reinstate_form.html", {"area": area, "form": form})
