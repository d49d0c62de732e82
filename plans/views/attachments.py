"""Supporting documents: upload, download (404 outside the user's areas) and remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions as perms

from .. import permissions as plan_perms
from .. import services
from ..forms import AttachmentForm
from ..models import PlanAttachment
from .common import area_for, plan_of, refusal_messages


@login_required
@require_POST
def attachment_upload(request, reference):
    area = area_for(request.user, reference)
    form = AttachmentForm(request.POST, request.FILES)
    target = reverse("plans:workspace", args=[area.reference])
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                area=area,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                document=form.cleaned_data["document"],
            )
        except (ValidationError, PermissionDenied) as exc:
            refusal_messages(request, exc)
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
        if plan_perms.can_edit_documents(request.user, area, plan_of(area))[0]
        else redirect(target)
    )


@login_required
def attachment_download(request, reference, pk):
    # 404, not 403, for anyone who cannot see the area: they must not learn the file exists.
    area = area_for(request.user, reference)
    attachment = get_object_or_404(PlanAttachment, pk=pk, area=area)
    if not perms.can_view_area(request.user, area)[0]:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"  # never rendered as anything but a download
    return response


@login_required
@require_POST
def attachment_delete(request, reference, pk):
    area = area_for(request.user, reference)
    attachment = get_object_or_404(PlanAttachment, pk=pk, area=area)
    document = attachment.document
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refusal_messages(request, exc)
    else:
        messages.success(request, f"“{attachment.title}” removed.")
    if document == "strategy":
        return redirect("plans:strategy_edit", area.reference)
    return redirect("plans:plan_edit", area.reference)
