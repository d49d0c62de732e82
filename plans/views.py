from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from programmes.forms import errors_to_form as _errors_to_form
from programmes.models import Round

from . import permissions as plan_perms
from . import selectors, services
from .diff import version_diff
from .forms import (
    AttachmentForm,
    BenefitFormSet,
    BudgetFormSet,
    CbaNotesForm,
    CostFormSet,
    LogicModelFormSet,
    NotApproveForm,
    PeerReviewAssignForm,
    PeerReviewForm,
    PlanSectionsForm,
    QueueFilterForm,
    ResourcingFormSet,
    ReturnForm,
    SignOffForm,
    StrategyForm,
)
from .models import (
    LOGIC_MODEL_COLUMNS,
    PLAN_SECTIONS,
    BenefitLine,
    BudgetArrangement,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModelRow,
    OperationalPlan,
    PlanAttachment,
    PlanVersion,
    ResourcingLine,
)
from .workflows import AWAITING_REVIEW, PlanStatus, applicant_label, next_moves


def _area(user, reference):
    area = (
        perms.areas_visible_to(user)
        .select_related("round", "lead_organisation")
        .filter(reference=reference)
        .first()
    )
    if area is None:
        raise Http404("No such area.")
    return area


def _plan(area):
    return OperationalPlan.objects.filter(area=area).select_related("area", "area__round").first()


def _editable_or_leave(request, area, plan):
    """None when the user may edit; otherwise a redirect (for the area's own users) or a 403."""
    allowed, reason = plan_perms.can_edit_documents(request.user, area, plan)
    if allowed:
        return None
    if plan_perms.is_area_lead_member(request.user, area):
        messages.warning(request, reason)
        return redirect("plans:workspace", area.reference)
    raise PermissionDenied(reason)


def _refusal_messages(request, exc):
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "You cannot do this.")
        return
    for message in exc.messages:
        messages.error(request, message)


@login_required
def workspace(request, reference):
    area = _area(request.user, reference)
    plan = selectors.plan_for_area(area)
    strategy = DevelopmentStrategy.objects.filter(area=area).first()
    rows = selectors.logic_model_rows(area)
    cba = (
        CostBenefitAnalysis.objects.filter(area=area).prefetch_related("costs", "benefits").first()
    )
    can_edit, _ = plan_perms.can_edit_documents(request.user, area, plan)
    is_lead = plan_perms.is_area_lead_member(request.user, area)
    context = {
        "area": area,
        "plan": plan,
        "strategy": strategy,
        "rows": rows,
        "columns": LOGIC_MODEL_COLUMNS,
        "cba": cba,
        "cba_result": services.cba_calculate(cba) if cba else None,
        "cba_required": selectors.area_requires_cba(area),
        "can_edit": can_edit,
        "is_lead": is_lead,
        "is_reviewer": plan_perms.can_review_plans(request.user)[0],
        "attachments": PlanAttachment.objects.filter(area=area).select_related("uploaded_by"),
        "sections": [(label, getattr(plan, key)) for key, label in PLAN_SECTIONS] if plan else [],
    }
    if plan:
        context.update(
            status_label=applicant_label(plan.status) if is_lead else plan.get_status_display(),
            sign_offs=selectors.sign_off_state(plan),
            moves=next_moves(plan.status, request.user, sign_off_order=area.round.sign_off_order),
            problems=services.final_plan_problems(plan)
            if plan.status in (PlanStatus.DRAFT_SUBMITTED, PlanStatus.RETURNED)
            else [],
            versions=list(plan.versions.all()),
            comments=list(plan.comments.all()),
            peer_reviews=list(plan.peer_review_assignments.all())
            if plan_perms.can_see_peer_reviews(request.user, plan)[0]
            else [],
        )
    return render(request, "plans/workspace.html", context)


@login_required
def strategy_edit(request, reference):
    area = _area(request.user, reference)
    leave = _editable_or_leave(request, area, None)
    if leave:
        return leave
    strategy = DevelopmentStrategy.objects.filter(area=area).first()
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        services.strategy_save(area=area, user=request.user, **form.cleaned_data)
        messages.success(request, "Development strategy saved.")
        return redirect(reverse("plans:workspace", args=[area.reference]) + "#strategy")
    return render(
        request,
        "plans/strategy_form.html",
        {
            "area": area,
            "form": form,
            "attachments": PlanAttachment.objects.filter(area=area, document="strategy"),
            "attachment_form": AttachmentForm(initial={"document": "strategy"}),
        },
    )


@login_required
def logic_model_edit(request, reference):
    area = _area(request.user, reference)
    plan = _plan(area)
    leave = _editable_or_leave(request, area, plan)
    if leave:
        return leave
    qs = LogicModelRow.objects.filter(logic_model__area=area).order_by("order", "id")
    formset = LogicModelFormSet(request.POST or None, queryset=qs, prefix="rows")
    if request.method == "POST" and formset.is_valid():
        kept = [
            (f.cleaned_data.get("order") or 0, i, f.cleaned_data)
            for i, f in enumerate(formset.forms)
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda t: (t[0], t[1]))
        try:
            services.logic_model_save(area=area, rows=[t[2] for t in kept], user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _refusal_messages(request, exc)
        else:
            messages.success(request, "Logic model saved.")
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#logic-model")
    return render(
        request,
        "plans/logic_model_form.html",
        {"area": area, "formset": formset, "columns": LOGIC_MODEL_COLUMNS},
    )


def _lines(formset):
    return [
        {k: v for k, v in f.cleaned_data.items() if k not in ("id", "DELETE")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def cba_edit(request, reference):
    area = _area(request.user, reference)
    plan = _plan(area)
    leave = _editable_or_leave(request, area, plan)
    if leave:
        return leave
    cba = (
        CostBenefitAnalysis.objects.filter(area=area).prefetch_related("costs", "benefits").first()
    )
    data = request.POST or None
    notes_form = CbaNotesForm(data, initial={"notes": cba.notes if cba else ""})
    costs = CostFormSet(
        data,
        queryset=CostLine.objects.filter(cba__area=area).order_by("year", "id"),
        prefix="costs",
    )
    benefits = BenefitFormSet(
        data,
        queryset=BenefitLine.objects.filter(cba__area=area).order_by("year", "id"),
        prefix="benefits",
    )
    if request.method == "POST" and all(f.is_valid() for f in (notes_form, costs, benefits)):
        try:
            services.cba_save(
                area=area,
                user=request.user,
                costs=_lines(costs),
                benefits=_lines(benefits),
                notes=notes_form.cleaned_data["notes"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal_messages(request, exc)
        else:
            messages.success(request, "Cost benefit analysis saved; the working is below.")
            return redirect("plans:cba_edit", area.reference)
    return render(
        request,
        "plans/cba_form.html",
        {
            "area": area,
            "cba": cba,
            "discount_rate_pct": cba.discount_rate_pct if cba else area.round.discount_rate_pct,
            "result": services.cba_calculate(cba) if cba else None,
            "notes_form": notes_form,
            "costs": costs,
            "benefits": benefits,
        },
    )


@login_required
def plan_edit(request, reference):
    area = _area(request.user, reference)
    plan = _plan(area)
    leave = _editable_or_leave(request, area, plan)
    if leave:
        return leave
    data = request.POST or None
    form = PlanSectionsForm(data, instance=plan)
    budget = BudgetFormSet(
        data,
        queryset=BudgetArrangement.objects.filter(plan__area=area)
        if plan
        else BudgetArrangement.objects.none(),
        prefix="budget",
    )
    resourcing = ResourcingFormSet(
        data,
        queryset=ResourcingLine.objects.filter(plan__area=area)
        if plan
        else ResourcingLine.objects.none(),
        prefix="resourcing",
    )
    if request.method == "POST" and all(f.is_valid() for f in (form, budget, resourcing)):
        try:
            services.plan_save(
                area=area,
                user=request.user,
                sections=form.cleaned_data,
                budget_arrangements=_lines(budget),
                resourcing_lines=_lines(resourcing),
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal_messages(request, exc)
        else:
            messages.success(request, "Operational plan saved.")
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#plan")
    return render(
        request,
        "plans/plan_form.html",
        {
            "area": area,
            "plan": plan,
            "form": form,
            "budget": budget,
            "resourcing": resourcing,
            "attachments": PlanAttachment.objects.filter(area=area, document="plan"),
            "attachment_form": AttachmentForm(initial={"document": "plan"}),
        },
    )


@login_required
@require_POST
def attachment_upload(request, reference):
    area = _area(request.user, reference)
    form = AttachmentForm(request.POST, request.FILES)
    target = reverse("plans:workspace", args=[area.reference])
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                area=area,
                user=request.user,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                document=form.cleaned_data["document"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refusal_messages(request, exc)
        else:
            messages.success(request, f"“{attachment.title}” uploaded.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if form.data.get("document") == "strategy":
        return redirect("plans:strategy_edit", area.reference)
    return (
        redirect("plans:plan_edit", area.reference)
        if plan_perms.can_edit_documents(request.user, area, _plan(area))[0]
        else redirect(target)
    )


@login_required
def attachment_download(request, reference, pk):
    # 404, not 403, for anyone who cannot see the area: they must not learn the file exists.
    area = _area(request.user, reference)
    attachment = get_object_or_404(PlanAttachment, pk=pk, area=area)
    if not perms.can_view_area(request.user, area)[0]:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def attachment_delete(request, reference, pk):
    area = _area(request.user, reference)
    attachment = get_object_or_404(PlanAttachment, pk=pk, area=area)
    document = attachment.document
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refusal_messages(request, exc)
    else:
        messages.success(request, f"“{attachment.title}” removed.")
    if document == "strategy":
        return redirect("plans:strategy_edit", area.reference)
    return redirect("plans:plan_edit", area.reference)


def _submit(request, reference, service, done):
    area = _area(request.user, reference)
    plan = _plan(area)
    if plan is None:
        messages.error(request, "Write the plan before submitting it.")
        return redirect("plans:workspace", area.reference)
    try:
        service(plan=plan, user=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refusal_messages(request, exc)
    else:
        messages.success(request, done.format(number=plan.version_number))
    return redirect("plans:workspace", area.reference)


@login_required
@require_POST
def submit_draft(request, reference):
    return _submit(
        request,
        reference,
        services.plan_submit_draft,
        "Draft plan submitted as version {number}. You can keep improving it.",
    )


@login_required
@require_POST
def submit_final(request, reference):
    return _submit(
        request,
        reference,
        services.plan_submit_final,
        "Final plan submitted as version {number}. We will tell you when the review starts.",
    )


@login_required
def review(request, reference):
    allowed, reason = plan_perms.can_review_plans(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    area = _area(request.user, reference)
    plan = selectors.plan_for_area(area)
    if plan is None:
        raise Http404("This area has no plan yet.")
    action = request.POST.get("action") if request.method == "POST" else None
    return_form = ReturnForm(request.POST if action == "return" else None, prefix="ret")
    not_form = NotApproveForm(request.POST if action == "not_approve" else None, prefix="no")
    sign_form = SignOffForm(request.POST if action == "sign_off" else None, prefix="sign")
    if action:
        try:
            if action == "start":
                services.plan_start_review(plan=plan, user=request.user)
                messages.success(request, "Review started; the area has been told.")
                return redirect("plans:review", area.reference)
            if action == "return" and return_form.is_valid():
                services.plan_return(plan=plan, user=request.user, comments=return_form.comments())
                messages.success(request, "Plan returned for changes with your comments.")
                return redirect("plans:review", area.reference)
            if action == "not_approve" and not_form.is_valid():
                services.plan_not_approve(
                    plan=plan, user=request.user, reasons=not_form.cleaned_data["reasons"]
                )
                messages.success(request, "Plan not approved; the area has been told why.")
                return redirect("plans:review", area.reference)
            if action == "sign_off" and sign_form.is_valid():
                plan = services.plan_sign_off(
                    plan=plan, user=request.user, comment=sign_form.cleaned_data["comment"]
                )
                messages.success(
                    request,
                    "Plan signed off by both parties: the area is now in implementation."
                    if plan.status == PlanStatus.SIGNED_OFF
                    else "Your signature is recorded.",
                )
                return redirect("plans:review", area.reference)
        except (ValidationError, PermissionDenied) as exc:
            _refusal_messages(request, exc)
            return redirect("plans:review", area.reference)
    selectors.annotate_waiting(plan)
    versions = list(plan.versions.all())
    cba = (
        CostBenefitAnalysis.objects.filter(area=area).prefetch_related("costs", "benefits").first()
    )
    moves = dict(next_moves(plan.status, request.user, sign_off_order=area.round.sign_off_order))
    return render(
        request,
        "plans/review.html",
        {
            "area": area,
            "plan": plan,
            "versions": versions,
            "latest": versions[0] if versions else None,
            "previous": versions[1] if len(versions) > 1 else None,
            "sign_offs": selectors.sign_off_state(plan),
            "can_start": PlanStatus.UNDER_REVIEW in moves,
            "can_sign": any(
                s in moves
                for s in (PlanStatus.PM_APPROVED, PlanStatus.FUNDER_APPROVED, PlanStatus.SIGNED_OFF)
            ),
            "can_return": PlanStatus.RETURNED in moves,
            "can_not_approve": PlanStatus.NOT_APPROVED in moves,
            "return_form": return_form,
            "not_form": not_form,
            "sign_form": sign_form,
            "rows": selectors.logic_model_rows(area),
            "columns": LOGIC_MODEL_COLUMNS,
            "sections": [(label, getattr(plan, key)) for key, label in PLAN_SECTIONS],
            "is_pm": perms.is_programme_manager(request.user),
            "waiting": plan.status in AWAITING_REVIEW,
            "cba_result": services.cba_calculate(cba) if cba else None,
            "peer_reviews": list(plan.peer_review_assignments.all()),
        },
    )


def _version_plan(request, reference):
    area = _area(request.user, reference)
    plan = _plan(area)
    if plan is None:
        raise Http404
    return area, plan


@login_required
def version_detail(request, reference, number):
    area, plan = _version_plan(request, reference)
    version = get_object_or_404(
        PlanVersion.objects.select_related("submitted_by"), plan=plan, number=number
    )
    return render(
        request,
        "plans/version_detail.html",
        {
            "area": area,
            "plan": plan,
            "version": version,
            "sections": [
                (label, version.content.get("sections", {}).get(key, ""))
                for key, label in PLAN_SECTIONS
            ],
            "columns": LOGIC_MODEL_COLUMNS,
        },
    )


@login_required
def version_compare(request, reference):
    area, plan = _version_plan(request, reference)
    versions = list(plan.versions.select_related("submitted_by").order_by("number"))
    if len(versions) < 2:
        messages.info(request, "There is only one version so far: nothing to compare.")
        return redirect("plans:workspace", area.reference)
    by_number = {v.number: v for v in versions}
    try:
        old = by_number[int(request.GET.get("from", versions[-2].number))]
        new = by_number[int(request.GET.get("to", versions[-1].number))]
    except (KeyError, ValueError):
        raise Http404("No such version.")
    return render(
        request,
        "plans/version_compare.html",
        {
            "area": area,
            "plan": plan,
            "versions": versions,
            "old": old,
            "new": new,
            "diffs": version_diff(old, new),
        },
    )


@login_required
def peer_review_assign(request, reference):
    allowed, reason = plan_perms.can_assign_peer_reviews(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    area = _area(request.user, reference)
    plan = selectors.plan_for_area(area)
    if plan is None:
        raise Http404("This area has no plan yet.")
    form = PeerReviewAssignForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.peer_review_assign(
                plan=plan,
                reviewer_organisations=list(form.cleaned_data["reviewer_organisations"]),
                user=request.user,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"{len(created)} peer reviewer(s) assigned and told.")
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#peer-reviews")
    return render(
        request, "plans/peer_review_assign.html", {"area": area, "plan": plan, "form": form}
    )


@login_required
def review_queue(request):
    allowed, reason = plan_perms.can_review_plans(request.user)
    if not allowed and not perms.is_admin(request.user):
        raise PermissionDenied(reason)
    plans = selectors.review_queue(user=request.user)
    form = QueueFilterForm(
        request.GET or None,
        statuses=[(s.value, s.label) for s in PlanStatus if s in AWAITING_REVIEW],
        rounds=[(r.slug, r.name) for r in Round.objects.order_by("-starts_on")],
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            plans = [p for p in plans if p.status == data["status"]]
        if data["round"]:
            plans = [p for p in plans if p.area.round.slug == data["round"]]
        if data["show"] == "overdue":
            plans = [p for p in plans if p.is_overdue]
        elif data["show"] == "mine":
            plans = [p for p in plans if p.awaiting_me]
    return render(
        request,
        "plans/review_queue.html",
        {"plans": plans, "form": form, "overdue": sum(p.is_overdue for p in plans)},
    )


@login_required
def peer_review_list(request):
    if not perms.is_lead_organisation_user(request.user):
        raise PermissionDenied("Peer reviews are written by lead organisations.")
    return render(
        request,
        "plans/peer_review_list.html",
        {"assignments": selectors.peer_reviews_for(user=request.user)},
    )


@login_required
def peer_review_detail(request, pk):
    # Only assignments for the user's organisations exist for them: anything else is a 404.
    assignment = get_object_or_404(selectors.peer_reviews_for(user=request.user), pk=pk)
    plan = assignment.plan
    version = selectors.latest_version(plan, PlanVersion.Kind.DRAFT)
    review = getattr(assignment, "review", None)
    form = None
    if review is None:
        form = PeerReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.peer_review_submit(
                    assignment=assignment, user=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                _refusal_messages(request, exc)
            else:
                messages.success(request, "Thank you: your peer review has been sent.")
                return redirect("plans:peer_review_detail", assignment.pk)
    return render(
        request,
        "plans/peer_review_detail.html",
        {
            "assignment": assignment,
            "plan": plan,
            "area": plan.area,
            "version": version,
            "sections": [
                (label, version.content.get("sections", {}).get(key, ""))
                for key, label in PLAN_SECTIONS
            ]
            if version
            else [],
            "columns": LOGIC_MODEL_COLUMNS,
            "review": review,
            "form": form,
        },
    )
