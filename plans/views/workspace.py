"""The plan workspace: everything about an area's plan on one page, with the lead organisation's
next step."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import permissions as plan_perms
from .. import selectors, services
from ..indicators import for_display, indicators_of
from ..models import (
    LOGIC_MODEL_COLUMNS,
    PLAN_SECTIONS,
    CostBenefitAnalysis,
    DevelopmentStrategy,
    PlanAttachment,
)
from ..workflows import PLAN, PlanStatus
from .common import area_for


def _plan_context(request, area, plan, is_lead) -> dict:
    return {
        "status_label": PLAN.label(plan.status, for_applicant=is_lead),
        "sign_offs": selectors.sign_off_state(plan),
        "moves": PLAN.moves_for(plan, request.user, sign_off_order=area.round.sign_off_order),
        "problems": services.final_plan_problems(plan)
        if plan.status in (PlanStatus.DRAFT_SUBMITTED, PlanStatus.RETURNED)
        else [],
        "versions": list(plan.versions.all()),
        "comments": list(plan.comments.all()),
        "peer_reviews": list(plan.peer_review_assignments.all())
        if plan_perms.can_see_peer_reviews(request.user, plan)[0]
        else [],
    }


@login_required
def workspace(request, reference):
    area = area_for(request.user, reference)
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
        "indicators": for_display(indicators_of(area)) if rows else [],
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
        context.update(_plan_context(request, area, plan, is_lead))
    return render(request, "plans/workspace.html", context)
