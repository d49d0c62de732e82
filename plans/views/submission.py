"""The lead organisation sends the draft and the final plan from the workspace. The final plan
goes through the confirmation step (core/confirm.py): it locks the plan and releases the money
held back until it, so a POST without confirm=1 only shows what would happen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.confirm import confirmation_page, confirmed

from .. import confirmations, services
from .. import permissions as plan_perms
from ..workflows import PLAN, PlanStatus
from .common import area_for, plan_of, refusal_messages


def _submit(request, reference, service, done):
    area = area_for(request.user, reference)
    plan = plan_of(area)
    if plan is None:
        messages.error(request, "Write the plan before submitting it.")
        return redirect("plans:workspace", area.reference)
    try:
        service(plan=plan, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refusal_messages(request, exc)
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


def _final_refusals(plan, user) -> list[str]:
    """Why the final plan cannot be submitted now (the service decides again on confirm)."""
    allowed, reason = plan_perms.can_submit_plan(user, plan)
    if not allowed:
        return [reason]
    refused = PLAN.refusal(
        plan, PlanStatus.FINAL_SUBMITTED, user, sign_off_order=plan.area.round.sign_off_order
    )
    if refused:
        return [refused.reason]
    return services.final_plan_problems(plan)


@login_required
@require_POST
def submit_final(request, reference):
    if not confirmed(request):
        area = area_for(request.user, reference)
        plan = plan_of(area)
        refusals = _final_refusals(plan, request.user) if plan else ["Write the plan first."]
        if refusals:
            for reason in refusals:
                messages.error(request, f"Not submitted: {reason}")
            return redirect("plans:workspace", area.reference)
        return confirmation_page(
            request,
            title=f"submit the final plan for {area.reference} {area.name}",
            effects=confirmations.final_submission_effects(plan, request.user),
            button="Submit the final plan",
            back_url=reverse("plans:workspace", args=[area.reference]),
        )
    return _submit(
        request,
        reference,
        services.plan_submit_final,
        "Final plan submitted as version {number}. We will tell you when the review starts.",
    )
