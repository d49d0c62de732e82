"""Answering: a lead contact's surveys (signed in), the answer form for a signed-in contact, and
the same form through a personal signed link (no account needed). Answers save as a draft until
sent; a sent response, a withdrawn or expired link, or a closed survey takes no more answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts import permissions as account_perms
from core.errors import errors_to_form

from .. import permissions, selectors, services
from ..forms import AnswerForm
from ..links import invitation_from_token
from ..models import Invitation, Response


@login_required
@require_GET
def my_surveys(request):
    if not account_perms.is_lead_organisation_user(request.user):
        raise PermissionDenied("Surveys are answered by lead organisation contacts.")
    rows = [
        {"invitation": inv, "usable": permissions.can_answer(inv)}
        for inv in selectors.my_invitations(user=request.user)
    ]
    return render(request, "surveys/my_surveys.html", {"rows": rows})


def _questions(invitation):
    return list(
        invitation.survey.questions.select_related(
            "choice_set", "item_list", "follow_up_of"
        ).prefetch_related("choice_set__choices", "item_list__items", "shown_when")
    )


def _answer_page(request, invitation: Invitation, *, again: str):
    """The form (GET), or save / send it (POST); `again` is where to go after saving."""
    allowed, reason = permissions.can_answer(invitation)
    response = Response.objects.filter(invitation=invitation).first()
    if not allowed:
        context = {"invitation": invitation, "reason": reason, "response": response}
        # A sent response is a thank-you, not an error; the form is gone either way.
        status = 200 if invitation.answered_at and request.method == "GET" else 403
        return render(request, "surveys/answer_closed.html", context, status=status)
    services.invitation_mark_opened(invitation=invitation)
    questions = _questions(invitation)
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            send = "send" in request.POST
            try:
                services.response_save(
                    invitation=invitation, values=form.values(), send=send, actor=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                errors_to_form(form, exc)
            else:
                if send:
                    messages.success(request, "Thank you: your answers have been sent.")
                else:
                    messages.success(
                        request, "Your answers are saved as a draft; send them when ready."
                    )
                return redirect(again)
    else:
        form = AnswerForm(questions=questions, response=response)
    context = {
        "invitation": invitation,
        "survey": invitation.survey,
        "form": form,
        "response": response,
    }
    return render(request, "surveys/answer.html", context)


@login_required
def answer(request, pk):
    invitation = (
        Invitation.objects.select_related("survey", "survey__round", "area", "organisation")
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not permissions.is_invitation_contact(request.user, invitation):
        raise Http404("No such survey invitation.")
    return _answer_page(request, invitation, again=request.path)


def answer_link(request, token):
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404("This link is not valid.")
    return _answer_page(request, invitation, again=request.path)
