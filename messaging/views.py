"""An area's conversation page: the thread and its form, and for staff the notes beside it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import ratelimits
from core.errors import errors_to_form
from core.ratelimits import Limit
from programmes.permissions import areas_visible_to

from . import permissions as perms
from . import selectors, services
from .forms import MessageForm, NoteForm
from .models import Kind, Message


def _area(user, reference):
    """The area, if the user may read its thread: 404 for areas the user cannot see at all (a lead
    organisation user's other areas), 403 with the reason for staff outside the conversation."""
    area = (
        areas_visible_to(user)
        .select_related("round", "lead_organisation")
        .filter(reference=reference)
        .first()
    )
    if area is None:
        raise Http404("No such area.")
    allowed, reason = perms.can_read_thread(user, area)
    if not allowed:
        raise PermissionDenied(reason)
    return area


def _post(request, area, form, note: bool):
    if not form.is_valid():
        return False
    # Messages and notes notify the other side: a few dozen in minutes is a script or a stuck key.
    if ratelimits.over_limit(
        request, (Limit.MESSAGE_ACCOUNT, ratelimits.account_key(request.user))
    ):
        form.add_error(None, ratelimits.refusal("messages"))
        return False
    try:
        services.message_post(
            area=area,
            actor=request.user,
            body=form.cleaned_data["body"],
            uploaded_file=form.cleaned_data.get("attachment") or None,
            note=note,
            submission=form.cleaned_data.get("submission"),
        )
    except (ValidationError, PermissionDenied) as exc:
        errors_to_form(form, exc)
        return False
    return True


@login_required
def thread(request, reference):
    area = _area(request.user, reference)
    can_post = perms.can_post_message(request.user, area)[0]
    form = MessageForm(request.POST or None, request.FILES or None, prefix="message")
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied(perms.can_post_message(request.user, area)[1])
        if _post(request, area, form, note=False):
            messages.success(request, "Message sent.")
            return redirect(reverse("messaging:thread", args=[area.reference]) + "#latest")
    return _render(request, area, form=form, status=_status(form))


@login_required
@require_POST
def note_add(request, reference):
    area = _area(request.user, reference)
    if not perms.can_read_notes(request.user, area)[0]:
        raise Http404("No such page.")  # a lead organisation user must not learn notes exist
    allowed, reason = perms.can_add_note(request.user, area)
    if not allowed:
        raise PermissionDenied(reason)
    form = NoteForm(request.POST, request.FILES or None, prefix="note")
    if _post(request, area, form, note=True):
        messages.success(request, "Staff note added.")
        return redirect(reverse("messaging:thread", args=[area.reference]) + "#notes")
    return _render(request, area, note_form=form, status=_status(form))


def _status(form) -> int:
    return 429 if form.has_error(NON_FIELD_ERRORS, ratelimits.CODE) else 200


def _render(request, area, form=None, note_form=None, status=200):
    user = request.user
    read_at = selectors.last_read_at(area=area, user=user)
    can_read_notes = perms.can_read_notes(user, area)[0]
    context = {
        "area": area,
        "thread": list(selectors.thread_messages(area=area)),
        "notes": list(selectors.staff_notes(area=area, user=user)) if can_read_notes else [],
        "can_read_notes": can_read_notes,
        "can_post": perms.can_post_message(user, area)[0],
        "can_add_note": perms.can_add_note(user, area)[0],
        "form": form or MessageForm(prefix="message"),
        "note_form": note_form or NoteForm(prefix="note"),
        "read_at": read_at,
    }
    response = render(request, "messaging/thread.html", context, status=status)
    services.thread_mark_read(area=area, user=user)
    return response


@login_required
@require_GET
def attachment_download(request, reference, pk):
    area = _area(request.user, reference)
    message = get_object_or_404(Message, pk=pk, area=area)
    if message.kind == Kind.NOTE and not perms.can_read_notes(request.user, area)[0]:
        raise Http404("No such document.")
    if not message.attachment:
        raise Http404("No document.")
    try:
        handle = message.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=message.attachment_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
