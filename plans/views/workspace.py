"""The plan workspace: everything about an area's plan on one page, with the lead organisation's
next step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import message_for
from core.text import NOTE_CHARS

from .. import permissions as plan_perms
from .. import selectors, services
from ..indicators import for_display, indicators_of
from ..models import (
    LOGIC_MODEL_COLUMNS,
    PLAN_SECTIONS,
    CostBenefitAnalysis,
    DevelopmentStrategy,
    PlanAttachment,
    SectionComment,
)
from ..services import COMMENTABLE_SECTIONS
from ..workflows import PLAN, PlanStatus
from .common import area_for


def section_comment_context(plan, *, answering: bool, drafts=None, errors=None) -> dict:
    """The reviewers' comments of the latest return, placed beside their sections: the plan's
    text sections carry theirs (``sections``), the others are by key (``section_comments``)."""
    found = selectors.section_comments(plan)
    by_section = found["by_section"]
    for comments in by_section.values():
        for comment in comments:
            comment.draft_answer = (drafts or {}).get(comment.pk)
            comment.answer_error = (errors or {}).get(comment.pk, "")
    latest = [c for comments in by_section.values() for c in comments]
    return {
        "sections": [
            (key, label, getattr(plan, key), by_section.get(key, []))
            for key, label in PLAN_SECTIONS
        ],
        "section_comments": by_section,
        "commented_sections": [
            (key, label) for key, label in COMMENTABLE_SECTIONS if key in by_section
        ],
        "latest_comments": latest,
        "unanswered": sum(1 for c in latest if not c.response),
        "earlier_comments": found["earlier"],
        "answering": answering,
        "answer_limit": NOTE_CHARS,
    }


def _plan_context(request, area, plan, is_lead, can_edit, drafts=None, errors=None) -> dict:
    answering = is_lead and can_edit and plan.status == PlanStatus.RETURNED
    return {
        **section_comment_context(plan, answering=answering, drafts=drafts, errors=errors),
        "status_label": PLAN.label(plan.status, for_applicant=is_lead),
        "sign_offs": selectors.sign_off_state(plan),
        "moves": PLAN.moves_for(plan, request.user, sign_off_order=area.round.sign_off_order),
        "problems": services.final_plan_problems(plan)
        if plan.status in (PlanStatus.DRAFT_SUBMITTED, PlanStatus.RETURNED)
        else [],
        "versions": list(plan.versions.all()),
        "peer_reviews": list(plan.peer_review_assignments.all())
        if plan_perms.can_see_peer_reviews(request.user, plan)[0]
        else [],
    }


@login_required
def workspace(request, reference):
    return _workspace(request, reference)


def _workspace(request, reference, *, drafts=None, errors=None):
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
    }
    if plan:
        context.update(_plan_context(request, area, plan, is_lead, can_edit, drafts, errors))
    return render(request, "plans/workspace.html", context, status=400 if errors else 200)


@login_required
@require_POST
def comment_answer(request, reference, pk):
    """The lead organisation answers a reviewer's comment beside the section it concerns. A
    refused answer comes back on the workspace with what was typed and the reason under the
    box."""
    area = area_for(request.user, reference)
    plan = selectors.plan_for_area(area)
    comment = get_object_or_404(SectionComment, pk=pk, plan=plan) if plan else None
    if comment is None:
        raise Http404("No such comment.")
    text = request.POST.get("answer", "")
    try:
        services.plan_comment_answer(comment=comment, actor=request.user, response=text)
    except ValidationError as exc:
        return _workspace(request, reference, drafts={pk: text}, errors={pk: message_for(exc)})
    messages.success(request, f"Your answer on {comment.section_label.lower()} is saved.")
    return redirect(reverse("plans:workspace", args=[area.reference]) + f"#comment-{pk}")
