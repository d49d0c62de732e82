"""The lead organisation sends the draft and the final plan from the workspace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .. import services
from .common import area_for, plan_of, refusal_messages


def _submit(request, reference, service, done):
    area = area_for(request.user, reference)
    plan = plan_of(area)
    if plan is None:
        messages.error(request, "Write the plan before submitting it.")
        return redirect("plans:workspace", area.reference)
    try:
        service(plan=plan, user=request.user)
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


@login_required
@require_POST
def submit_final(request, reference):
    return _submit(
        request,
        reference,
        services.plan_submit_final,
        "Final plan submitted as version {number}. We will tell you when the review starts.",
    )
