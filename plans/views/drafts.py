"""The plan editor's drafts: the endpoint its script sends a section's text to as it is typed,
and the "Discard" of the offer to restore unsaved changes. The same rule as the editor: 404 for
an area outside the user's scope, refused unless the user may edit the plan now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services
from .common import area_for, editable_or_leave, plan_of, refusal_messages


def saved_at_label(when) -> str:
    """A draft's time as the editor says it, in the programme's time (Europe/London): "10:42"
    today, "3 Dec, 10:42" on an earlier day."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b, %H:%M}"


@login_required
@require_POST
def plan_draft_save(request, reference):
    """Keep one section's text (POST ``section`` and ``text``); answers JSON, for the script."""
    area = area_for(request.user, reference)
    try:
        draft = services.plan_draft_save(
            area=area,
            actor=request.user,
            section=request.POST.get("section", ""),
            text=request.POST.get("text", ""),
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc) or "You cannot change this plan."}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    saved_at = draft.saved_at if draft is not None else timezone.now()
    return JsonResponse(
        {
            "section": request.POST["section"],
            "saved_at": saved_at.isoformat(),
            "saved_at_label": saved_at_label(saved_at),
        }
    )


@login_required
@require_POST
def plan_drafts_discard(request, reference):
    area = area_for(request.user, reference)
    leave = editable_or_leave(request, area, plan_of(area))
    if leave:
        return leave
    try:
        services.plan_drafts_discard(area=area, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refusal_messages(request, exc)
    else:
        messages.info(request, "Unsaved changes discarded: the editor shows the saved plan.")
    return redirect("plans:plan_edit", area.reference)
