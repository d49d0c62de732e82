"""Staff pages: the surveys list (create a standard survey), a survey's page (tracking, settings,
invitations), its figures, survey and record side by side, and the CSV export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core import ratelimits
from core.errors import message_for, require
from core.ratelimits import Limit
from core.spreadsheets import csv_lines

from .. import comparisons, exports, figures, permissions, selectors, services
from ..forms import PartnerInviteForm, StandardSurveyForm, SurveySettingsForm
from ..models import Audience, Invitation
from ..workflows import SURVEY


def _survey(request, pk, *, manage=False):
    require(permissions.can_view_results(request.user))
    if manage:
        require(permissions.can_manage_surveys(request.user))
    survey = selectors.survey_detail(pk=pk)
    if survey is None:
        raise Http404("No such survey.")
    return survey


@login_required
@require_GET
def survey_list(request):
    require(permissions.can_view_results(request.user))
    return render(
        request,
        "surveys/survey_list.html",
        {
            "rows": selectors.tracking_by_round(),
            "form": StandardSurveyForm(),
            "can_manage": permissions.can_manage_surveys(request.user)[0],
        },
    )


@login_required
@require_POST
def standard_create(request):
    require(permissions.can_manage_surveys(request.user))
    form = StandardSurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a round and a questionnaire.")
        return redirect("surveys:survey_list")
    survey = services.standard_survey_create(
        round=form.cleaned_data["round"], which=form.cleaned_data["which"], actor=request.user
    )
    messages.success(request, f"{survey.title} is ready as a draft: check it, then open it.")
    return redirect("surveys:survey_detail", pk=survey.pk)


def _detail_context(request, survey, settings_form=None, invite_form=None) -> dict:
    can_manage = permissions.can_manage_surveys(request.user)[0]
    partners = selectors.round_partners(survey=survey)
    return {
        "survey": survey,
        "tracking": selectors.tracking(survey=survey),
        "invitations": selectors.survey_invitations(survey=survey),
        "moves": SURVEY.moves_for(survey, request.user),
        "can_manage": can_manage,
        "questions": survey.questions.select_related("item_list", "choice_set"),
        "reminders": survey.reminders.all(),
        "settings_form": settings_form or SurveySettingsForm(instance=survey),
        "invite_form": invite_form
        or (PartnerInviteForm(partners=partners) if survey.audience == Audience.PARTNER else None),
    }


@login_required
@require_GET
def survey_detail(request, pk):
    survey = _survey(request, pk)
    return render(request, "surveys/survey_detail.html", _detail_context(request, survey))


@login_required
@require_POST
def survey_settings(request, pk):
    survey = _survey(request, pk, manage=True)
    form = SurveySettingsForm(request.POST, instance=survey)
    if form.is_valid():
        services.survey_settings_update(
            survey=survey,
            fields={k: v for k, v in form.cleaned_data.items() if k != "reminder_days"},
            reminder_days=form.cleaned_data["reminder_days"],
            actor=request.user,
        )
        messages.success(request, "Survey settings saved.")
        return redirect("surveys:survey_detail", pk=survey.pk)
    survey.refresh_from_db()
    context = _detail_context(request, survey, settings_form=form)
    return render(request, "surveys/survey_detail.html", context, status=400)


@login_required
@require_POST
def survey_move(request, pk, move):
    survey = _survey(request, pk, manage=True)
    actions = {
        "open": services.survey_open,
        "close": services.survey_close,
        "reopen": services.survey_reopen,
    }
    if move not in actions:
        raise Http404("No such action.")
    try:
        result = actions[move](survey=survey, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, message_for(exc))
        return redirect("surveys:survey_detail", pk=survey.pk)
    if move == "open":
        messages.success(
            request, f"Survey opened: {result} invitation{'s' if result != 1 else ''} sent."
        )
    else:
        messages.success(request, "Survey updated.")
    return redirect("surveys:survey_detail", pk=survey.pk)


@login_required
@require_POST
def partner_invite(request, pk):
    survey = _survey(request, pk, manage=True)
    form = PartnerInviteForm(request.POST, partners=selectors.round_partners(survey=survey))
    if not form.is_valid() or survey.audience != Audience.PARTNER:
        context = _detail_context(request, survey, invite_form=form)
        return render(request, "surveys/survey_detail.html", context, status=400)
    email = form.cleaned_data["email"]
    if ratelimits.over_limit(
        request,
        (Limit.SURVEY_LINK_ACCOUNT, ratelimits.account_key(request.user)),
        (Limit.SURVEY_LINK_ADDRESS, ratelimits.address_key(email)),
    ):
        form.add_error(None, ratelimits.refusal("survey links"))
        context = _detail_context(request, survey, invite_form=form)
        return render(request, "surveys/survey_detail.html", context, status=429)
    invitation = services.partner_invite(
        survey=survey,
        partner=form.cleaned_data["partner"],
        email=email,
        name=form.cleaned_data["name"],
        actor=request.user,
    )
    if invitation is None:
        messages.info(request, "That contact was invited already.")
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("surveys:survey_detail", pk=survey.pk)


@login_required
@require_POST
def invitation_revoke(request, pk):
    require(permissions.can_manage_surveys(request.user))
    invitation = get_object_or_404(Invitation, pk=pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The link for {invitation.email} no longer works.")
    return redirect("surveys:survey_detail", pk=invitation.survey_id)


@login_required
@require_GET
def survey_results(request, pk):
    survey = _survey(request, pk)
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "tracking": selectors.tracking(survey=survey),
            "figures": figures.survey_figures(survey=survey),
            "min_group": figures.MIN_GROUP,
        },
    )


@login_required
@require_GET
def survey_compare(request, pk):
    survey = _survey(request, pk)
    return render(
        request,
        "surveys/survey_compare.html",
        {"survey": survey, **comparisons.side_by_side(survey=survey)},
    )


@login_required
@require_GET
def survey_export_csv(request, pk):
    survey = _survey(request, pk)
    rows = exports.survey_csv_rows(
        survey=survey, free_text=permissions.can_read_free_text(request.user)
    )
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
