"""The lead organisation's editors: development strategy, logic model, CBA and plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import selectors, services
from ..forms import (
    AttachmentForm,
    BenefitFormSet,
    BudgetFormSet,
    CbaNotesForm,
    CostFormSet,
    LogicModelFormSet,
    PlanSectionsForm,
    ResourcingFormSet,
    StrategyForm,
    indicator_formset,
)
from ..indicators import OutcomeIndicator
from ..models import (
    LOGIC_MODEL_COLUMNS,
    BenefitLine,
    BudgetArrangement,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModelRow,
    PlanAttachment,
    ResourcingLine,
)
from .common import area_for, editable_or_leave, plan_of, refusal_messages
from .drafts import saved_at_label

EDITOR_FORM_ID = "editor-form"


def _editor_attachments(request, area, document: str) -> dict:
    """The documents panel of an editor page, its fields part of the editor's form."""
    return {
        "attachments": PlanAttachment.objects.filter(area=area, document=document),
        "attachment_form": AttachmentForm(
            prefix="doc", initial={"document": document}, editor_form_id=EDITOR_FORM_ID
        ),
        "editor_form_id": EDITOR_FORM_ID,
    }


def _wants_documents(request) -> bool:
    return bool(
        "upload" in request.POST
        or "remove_attachment" in request.POST
        or request.FILES.get("doc-file")
    )


def _documents_after_save(request, area, document: str) -> None:
    """After the editor's text is saved: upload the file chosen in its documents panel, or
    remove the document whose Remove button was pressed. Refusals come back as messages."""
    remove = request.POST.get("remove_attachment", "")
    if remove.isdigit():
        attachment = PlanAttachment.objects.filter(area=area, pk=int(remove)).first()
        if attachment is not None:
            try:
                services.attachment_remove(attachment=attachment, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                refusal_messages(request, exc)
            else:
                messages.success(request, f"“{attachment.title}” removed.")
        return
    form = AttachmentForm(request.POST, request.FILES, prefix="doc", editor_form_id=EDITOR_FORM_ID)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Not uploaded: {error}")
        return
    if not form.cleaned_data["file"]:
        messages.error(request, "Not uploaded: choose a file first.")
        return
    try:
        attachment = services.attachment_add(
            area=area,
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            document=document,
        )
    except (ValidationError, PermissionDenied) as exc:
        refusal_messages(request, exc)
    else:
        messages.success(request, f"“{attachment.title}” uploaded.")


def _not_saved_warning(request) -> None:
    if _wants_documents(request):
        messages.warning(
            request,
            "Nothing was uploaded or removed: correct the text first (what you typed is kept "
            "below), then choose the file again.",
        )


@login_required
def strategy_edit(request, reference):
    area = area_for(request.user, reference)
    leave = editable_or_leave(request, area, None)
    if leave:
        return leave
    strategy = DevelopmentStrategy.objects.filter(area=area).first()
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        services.strategy_save(area=area, actor=request.user, **form.cleaned_data)
        messages.success(request, "Development strategy saved.")
        if _wants_documents(request):
            _documents_after_save(request, area, "strategy")
            return redirect("plans:strategy_edit", area.reference)
        return redirect(reverse("plans:workspace", args=[area.reference]) + "#strategy")
    if request.method == "POST":
        _not_saved_warning(request)
    return render(
        request,
        "plans/strategy_form.html",
        {"area": area, "form": form, **_editor_attachments(request, area, "strategy")},
    )


@login_required
def logic_model_edit(request, reference):
    area = area_for(request.user, reference)
    plan = plan_of(area)
    leave = editable_or_leave(request, area, plan)
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
            services.logic_model_save(area=area, rows=[t[2] for t in kept], actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
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
    area = area_for(request.user, reference)
    plan = plan_of(area)
    leave = editable_or_leave(request, area, plan)
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
                actor=request.user,
                costs=_lines(costs),
                benefits=_lines(benefits),
                notes=notes_form.cleaned_data["notes"],
            )
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
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


def _drafts_offer(user, drafts, restoring: bool) -> dict | None:
    """What the editor says about unsaved drafts: when the latest was kept, which sections, and
    who typed them when it was not this user."""
    if not drafts:
        return None
    others = sorted({str(d.saved_by) for d in drafts if d.saved_by_id not in (None, user.pk)})
    return {
        "restored": restoring,
        "saved_at": drafts[-1].saved_at,
        "saved_at_label": saved_at_label(drafts[-1].saved_at),
        "sections": [d.get_section_display() for d in drafts],
        "others": others,
    }


@login_required
def plan_edit(request, reference):
    area = area_for(request.user, reference)
    plan = plan_of(area)
    leave = editable_or_leave(request, area, plan)
    if leave:
        return leave
    data = request.POST or None
    drafts = [] if data else selectors.unsaved_drafts(area=area, plan=plan)
    restoring = bool(drafts) and request.GET.get("drafts") == "restore"
    form = PlanSectionsForm(
        data,
        instance=plan,
        initial={d.section: d.text for d in drafts} if restoring else None,
    )
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
                actor=request.user,
                sections=form.cleaned_data,
                budget_arrangements=_lines(budget),
                resourcing_lines=_lines(resourcing),
            )
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
        else:
            messages.success(request, "Operational plan saved.")
            if _wants_documents(request):
                _documents_after_save(request, area, "plan")
                return redirect("plans:plan_edit", area.reference)
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#plan")
    if request.method == "POST":
        _not_saved_warning(request)
    return render(
        request,
        "plans/plan_form.html",
        {
            "area": area,
            "plan": plan,
            "form": form,
            "budget": budget,
            "resourcing": resourcing,
            "drafts": _drafts_offer(request.user, drafts, restoring),
            # The page holds changes the plan does not (restored drafts, or a refused save):
            # the editor's script warns before leaving it.
            "unsaved": restoring or request.method == "POST",
            **_editor_attachments(request, area, "plan"),
        },
    )


@login_required
def indicators_edit(request, reference):
    """The outcome indicators beside the logic model: each measures one of its rows."""
    area = area_for(request.user, reference)
    plan = plan_of(area)
    leave = editable_or_leave(request, area, plan)
    if leave:
        return leave
    rows = selectors.logic_model_rows(area)
    if not rows:
        messages.warning(
            request, "Write the logic model first: each indicator measures one of its rows."
        )
        return redirect(reverse("plans:workspace", args=[area.reference]) + "#logic-model")
    queryset = OutcomeIndicator.objects.filter(row__logic_model__area=area)
    formset = indicator_formset(
        rows=rows,
        data=request.POST or None,
        queryset=queryset,
        blank=3 if not queryset.exists() else 1,
    )
    if request.method == "POST" and formset.is_valid():
        kept = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.indicators_save(area=area, actor=request.user, indicators=kept)
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
        else:
            messages.success(request, "Outcome indicators saved.")
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#indicators")
    return render(request, "plans/indicators_form.html", {"area": area, "formset": formset})
