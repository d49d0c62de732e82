"""Stage-gate applications: drafting and sending one, its page, one view per thing done on it
(submit, decide, withdraw), its evidence files, and the programme managers' queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts import permissions as perms
from core.confirm import confirmation_page, confirmed
from core.errors import errors_to_form, message_for, require

from .. import confirmations, selectors, services
from .. import permissions as app_perms
from ..filters import GateFilter
from ..forms import GateDecisionForm, GateForm, WithdrawForm
from ..models import GateApplication, GateStatus
from ..workflows import GATE
from .assessors import assessors_url, declaration_needed
from .scope import PAGE_SIZE, visible_area, visible_gate

REFUSED = (ValidationError, PermissionDenied)


@login_required
def gate_new(request, reference):
    area = visible_area(request.user, reference)
    require(app_perms.can_act_for_area(request.user, area))
    return _gate_form_page(request, area=area)


@login_required
def gate_edit(request, pk):
    gate = visible_gate(request.user, pk)
    require(app_perms.can_act_for_area(request.user, gate.area))
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
                gate = services.gate_create(area=area, actor=request.user, **data)
            else:
                gate = services.gate_update(gate=gate, actor=request.user, **data)
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
        else:
            if not submitting:
                messages.success(request, "Saved as a draft.")
                return redirect(gate.get_absolute_url())
            try:
                services.gate_submit(gate=gate, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form = GateForm(request.POST, instance=gate, area=area)
                form.is_valid()
                errors_to_form(form, exc)
                messages.error(request, "Your draft is saved, but it could not be submitted.")
            else:
                messages.success(request, f"{gate.get_target_stage_display()} application sent.")
                return redirect(gate.get_absolute_url())
    return render(
        request, "applications/gate_form.html", {"form": form, "area": area, "gate": gate}
    )


def _page(request, gate, *, decision_form=None, withdraw_form=None):
    """The gate's page; a bound form passed in (after a refused action) shows its errors and
    what was typed."""
    user = request.user
    moves = {m.target for m in GATE.moves_for(gate, user)}
    acts_for_area = app_perms.can_act_for_area(user, gate.area)[0]
    can_assess = perms.is_programme_staff(user)
    due, extension = services.gate_deadline(gate.area, gate.milestone)
    return render(
        request,
        "applications/gate_detail.html",
        {
            "gate": gate,
            "area": gate.area,
            "decision_form": decision_form or GateDecisionForm(gate=gate),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "acts_for_area": acts_for_area,
            "can_edit": acts_for_area and gate.status == GateStatus.DRAFT,
            "can_submit": acts_for_area and GateStatus.SUBMITTED in moves,
            "can_decide": GateStatus.APPROVED in moves,
            "can_withdraw": GateStatus.WITHDRAWN in moves
            and (acts_for_area or app_perms.can_decide_gate(user)[0]),
            "due": due,
            "extension": extension,
            "definition": gate.area.round.stage_definitions.filter(stage=gate.target_stage).first(),
            "decide_allowed": app_perms.can_decide_subject(user, gate),
            "assessors": selectors.assessors_of(gate) if can_assess else [],
            "assessors_url": assessors_url(gate),
            "can_see_assessors": can_assess,
            "can_assign": app_perms.can_assign_assessors(user)[0],
        },
    )


def _refused(request, form, exc) -> None:
    if form is not None:
        errors_to_form(form, exc)
    messages.error(request, message_for(exc))


@login_required
@require_safe
def gate_detail(request, pk):
    """The gate application, its evidence and decision; the lead organisation submits or
    withdraws it here and a programme manager decides it (each form posts to its own URL). An
    assigned assessor declares any conflict of interest first."""
    gate = visible_gate(request.user, pk)
    must_declare = declaration_needed(request, gate)
    if must_declare is not None:
        return must_declare
    return _page(request, gate)


@login_required
@require_POST
def gate_submit(request, pk):
    gate = visible_gate(request.user, pk)
    try:
        services.gate_submit(gate=gate, actor=request.user)
    except REFUSED as exc:
        _refused(request, None, exc)
        return _page(request, gate)
    messages.success(request, f"{gate.get_target_stage_display()} application sent.")
    return redirect(gate.get_absolute_url())


def _decision_args(data) -> dict:
    """The decision form's answers as the decision service (and its preview) takes them."""
    return {
        "decision": data["decision"],
        "amount": data.get("amount"),
        "cba_required": data.get("cba_required", False),
        "extra_adviser_days": data.get("extra_adviser_days") or 0,
        "reasons": data["reasons"],
    }


def _confirm_decision(request, gate, form):
    """The confirmation step before a gate decision (core/confirm.py): the grant and its
    schedule, days, the area's move or its leaving, and who is told. The decision service's own
    preview is asked first, so the page never describes a decision the service would refuse: a
    refusal comes back on the form, by its field."""
    data = form.cleaned_data
    preview = services.gate_decide_preview(gate=gate, actor=request.user, **_decision_args(data))
    if preview.refusal is not None:
        if getattr(preview.refusal, "error_dict", None):
            errors_to_form(form, preview.refusal)  # by its fields, nothing said twice at the top
        else:
            _refused(request, form, preview.refusal)
        return _page(request, gate, decision_form=form)
    approve = data["decision"] == "approve"
    stage = gate.get_target_stage_display()
    return confirmation_page(
        request,
        title=f"{'approve' if approve else 'reject'} {gate.area.reference}'s {stage} application",
        effects=confirmations.gate_effects(gate, data, amount=preview.amount),
        button=f"Approve the {stage} application" if approve else f"Reject the {stage} application",
        back_url=gate.get_absolute_url(),
        danger=not approve,
    )


@login_required
@require_POST
def gate_decide(request, pk):
    gate = visible_gate(request.user, pk)
    form = GateDecisionForm(request.POST, gate=gate)
    if form.is_valid() and not confirmed(request):
        return _confirm_decision(request, gate, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.gate_decide(gate=gate, actor=request.user, **_decision_args(data))
        except REFUSED as exc:
            _refused(request, form, exc)
        else:
            outcome = "approved" if data["decision"] == "approve" else "not approved"
            messages.success(
                request,
                f"{gate.area.reference}: {gate.get_target_stage_display()} {outcome}.",
            )
            return redirect(gate.get_absolute_url())
    return _page(request, gate, decision_form=form)


@login_required
@require_POST
def gate_withdraw(request, pk):
    gate = visible_gate(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.gate_withdraw(
                gate=gate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except REFUSED as exc:
            _refused(request, form, exc)
        else:
            messages.success(request, "The application has been withdrawn.")
            return redirect(gate.get_absolute_url())
    return _page(request, gate, withdraw_form=form)


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
    # The user's own file name, kept as display text; the stored name is generated.
    filename = getattr(gate, f"{which}_name") or file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"  # never rendered as anything but a download
    return response


@login_required
def gate_queue(request):
    require(app_perms.can_decide_gate(request.user))
    base = selectors.gate_list(user=request.user).exclude(status=GateStatus.DRAFT)
    params = request.GET.copy()
    if "status" not in params:
        # One default for every work queue: open work first; "Any status" shows everything.
        params["status"] = "open"
    gate_filter = GateFilter(params, queryset=base)
    results = gate_filter.qs if gate_filter.is_valid() else base
    # The badges count every status under the other filters, so they say where the work is.
    without_status = params.copy()
    without_status["status"] = ""
    others = GateFilter(without_status, queryset=base)
    counts = selectors.gate_counts(others.qs if others.is_valid() else base)
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
