"""Programme staff's review: the queue of plans waiting, and one plan's review page where the
reviewer starts the review, returns the plan, does not approve it or signs it off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions as perms
from applications.views.assessors import assessors_url, declaration_needed
from core.confirm import confirmation_page, confirmed
from core.errors import require
from programmes.models import Round

from .. import confirmations, selectors, services
from .. import permissions as plan_perms
from ..forms import NotApproveForm, QueueFilterForm, ReturnForm, SignOffForm
from ..models import LOGIC_MODEL_COLUMNS, CostBenefitAnalysis
from ..services import COMMENTABLE_SECTIONS
from ..workflows import AWAITING_REVIEW, PLAN, PlanStatus
from .common import area_for, refusal_messages
from .workspace import section_comment_context


def _act(request, plan, action, *, return_form, not_form, sign_form) -> str:
    """Carry out the reviewer's action through its service. Returns the message to show, or ""
    when the action's form needs correcting (the page shows the form's errors)."""
    user = request.user
    if action == "start":
        services.plan_start_review(plan=plan, actor=user)
        return "Review started; the area has been told."
    if action == "return" and return_form.is_valid():
        services.plan_return(plan=plan, actor=user, comments=return_form.comments())
        return "Plan returned for changes with your comments."
    if action == "not_approve" and not_form.is_valid():
        services.plan_not_approve(plan=plan, actor=user, reasons=not_form.cleaned_data["reasons"])
        return "Plan not approved; the area has been told why."
    if action == "sign_off" and sign_form.is_valid():
        plan = services.plan_sign_off(
            plan=plan, actor=user, comment=sign_form.cleaned_data["comment"]
        )
        if plan.status == PlanStatus.SIGNED_OFF:
            return "Plan signed off by both parties: the area is now in implementation."
        return "Your signature is recorded."
    return ""


def _review_context(request, area, plan) -> dict:
    selectors.annotate_waiting(plan)
    versions = list(plan.versions.all())
    cba = (
        CostBenefitAnalysis.objects.filter(area=area).prefetch_related("costs", "benefits").first()
    )
    # The buttons this reviewer may press now, by the review form's action name.
    moves = PLAN.moves_for(plan, request.user, sign_off_order=area.round.sign_off_order)
    return {
        "area": area,
        "plan": plan,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "previous": versions[1] if len(versions) > 1 else None,
        "sign_offs": selectors.sign_off_state(plan),
        "moves": {m.name: m for m in moves},
        "rows": selectors.logic_model_rows(area),
        "columns": LOGIC_MODEL_COLUMNS,
        # The latest return's comments and the lead's answers, beside their sections.
        **section_comment_context(plan, answering=False),
        "waiting": plan.status in AWAITING_REVIEW,
        "cba_result": services.cba_calculate(cba) if cba else None,
        "peer_reviews": list(plan.peer_review_assignments.all()),
    }


@login_required
def review(request, reference):
    require(plan_perms.can_review_plans(request.user))
    area = area_for(request.user, reference)
    plan = selectors.plan_for_area(area)
    if plan is None:
        raise Http404("This area has no plan yet.")
    # GovS 015: an assessor assigned to the final plan declares any conflict before seeing it.
    must_declare = declaration_needed(request, plan)
    if must_declare is not None:
        return must_declare
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "return_form": ReturnForm(request.POST if action == "return" else None, prefix="ret"),
        "not_form": NotApproveForm(request.POST if action == "not_approve" else None, prefix="no"),
        "sign_form": SignOffForm(request.POST if action == "sign_off" else None, prefix="sign"),
    }
    if action == "sign_off" and forms["sign_form"].is_valid() and not confirmed(request):
        moves = PLAN.moves_for(plan, request.user, sign_off_order=area.round.sign_off_order)
        if any(m.name == "sign_off" for m in moves):
            # The signature is final (the second one signs the plan off): confirm first.
            return confirmation_page(
                request,
                title=f"sign off {area.reference} {area.name}'s plan",
                effects=confirmations.sign_off_effects(plan, request.user),
                button="Sign off the plan",
                back_url=reverse("plans:review", args=[area.reference]),
            )
    if action:
        try:
            done = _act(request, plan, action, **forms)
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
            return redirect("plans:review", area.reference)
        if done:
            messages.success(request, done)
            return redirect("plans:review", area.reference)
    context = _review_context(request, area, plan)
    boxes = {key: forms["return_form"][f"comment_{key}"] for key, _ in COMMENTABLE_SECTIONS}
    context["sections"] = [(*section, boxes[section[0]]) for section in context["sections"]]
    return render(
        request,
        "plans/review.html",
        {**context, **forms, "comment_boxes": boxes, "assessors_url": assessors_url(plan)},
    )


QUEUE_PAGE_SIZE = 25


@login_required
def review_queue(request):
    allowed, reason = plan_perms.can_review_plans(request.user)
    if not allowed and not perms.is_admin(request.user):
        raise PermissionDenied(reason)
    rounds = list(Round.objects.order_by("-starts_on"))
    form = QueueFilterForm(
        request.GET or None,
        statuses=[(s.value, s.label) for s in PlanStatus if s in AWAITING_REVIEW],
        rounds=[(r.slug, r.name) for r in rounds],
    )
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"], "round_slug": data["round"], "show": data["show"]}
    plans = selectors.review_queue(user=request.user, rounds=rounds, **filters)
    page = Paginator(plans, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.review_queue_overdue_count(plans, rounds=rounds) if page.object_list else 0
    return render(
        request,
        "plans/review_queue.html",
        {
            "plans": selectors.annotate_queue_page(page.object_list, user=request.user),
            "page_obj": page,
            "form": form,
            "overdue": overdue,
        },
    )
