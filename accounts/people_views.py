"""Admins' pages for one person's data: the subject-access export and anonymisation
(accounts.personal_data). Anyone else gets 404: the pages do not even say the person exists."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import personal_data
from core.confirm import Effect, confirmation_page, confirmed
from core.errors import message_for
from core.text import TextBox

from . import permissions as perms
from .models import User
from .personal_data import (
    is_anonymised,
    person_anonymise,
    person_data_export,
    placeholder_name,
)


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label="Why is this person being anonymised?",
        widget=TextBox(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: left the organisation on 1 March and asked to be forgotten.",
    )


def _person(request, pk) -> User:
    if not perms.is_admin(request.user):
        raise Http404("No such page.")
    return get_object_or_404(User, pk=pk)


def _page(request, person, form=None, status=200):
    return render(
        request,
        "accounts/person_data.html",
        {
            "person": person,
            "kinds": personal_data.kinds(),
            "open_work": personal_data.open_work_of(person),
            "anonymised": is_anonymised(person),
            "placeholder": placeholder_name(person),
            "form": form or AnonymiseForm(),
        },
        status=status,
    )


@login_required
@require_GET
def person_data(request, pk):
    """What is held about one person, with the export and anonymisation for admins."""
    return _page(request, _person(request, pk))


@login_required
@require_POST
def person_data_download(request, pk):
    """The subject-access ZIP, after the confirmation step."""
    person = _person(request, pk)
    back = reverse("person_data", args=[person.pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"export the personal data of {person}",
            effects=[
                Effect.record(
                    "A ZIP of everything held about this person (their account, memberships, "
                    "messages, audit entries and the documents they uploaded) is downloaded to "
                    "this computer: keep it safe and send it only to them."
                ),
                Effect.record("The export is recorded on the audit trail."),
            ],
            button="Export their data",
            back_url=back,
        )
    content = person_data_export(person=person, actor=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="personal-data-user-{person.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def person_anonymise_view(request, pk):
    """Anonymise a person who has left, with a reason, after the confirmation step."""
    person = _person(request, pk)
    form = AnonymiseForm(request.POST)
    if not form.is_valid():
        return _page(request, person, form, status=400)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"anonymise {person}",
            effects=[
                Effect.record(
                    f"Their name, username, email, phone and job title are replaced by "
                    f"“{placeholder_name(person)}” everywhere the site shows them, and the "
                    "contact details other records keep of them too. What they wrote in the "
                    "areas' records stays."
                ),
                Effect.lock(
                    "Their account is closed: they are signed out everywhere, their password "
                    "and second factor are removed."
                ),
                Effect.record("Recorded on the audit trail as a correction, with your reason."),
            ],
            button="Anonymise this person",
            back_url=reverse("person_data", args=[person.pk]),
            danger=True,
        )
    try:
        person_anonymise(person=person, actor=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, message_for(exc))
        return _page(request, person, form, status=400)
    messages.success(request, f"The person is now “{placeholder_name(person)}”.")
    return redirect("person_data", pk=person.pk)
