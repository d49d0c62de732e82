"""One application's page, and one view per thing done on it: start the assessment, save scores
(with the recommendation), record the decision, withdraw. Each action posts to its own URL; a
refused or invalid one re-renders the page with the reason beside the fields, nothing lost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.confirm import confirmation_page, confirmed
from core.errors import errors_to_form, message_for, require

from .. import confirmations, selectors, services
from .. import permissions as app_perms
from ..forms import DecisionForm, ScoreForm, WithdrawForm
from ..models import ApplicationStatus
from ..workflows import APPLICATION
from .assessors import assessors_url, declaration_needed
from .scope import visible_application

REFUSED = (ValidationError, PermissionDenied)


def _score_form(application, user, data=None, *, scale=None) -> ScoreForm:
    """The assessor's own scores for the round's criteria (none for people who cannot assess)."""
    can_assess = app_perms.can_assess(user)[0]
    return ScoreForm(
        data,
        criteria=selectors.criteria_for(application.round) if can_assess else [],
        scale=scale or selectors.assessment_settings_for(application.round),
        existing={s.criterion_id: s for s in application.scores.all() if s.assessor_id == user.pk},
        initial={
            "recommendation": application.recommendation,
            "recommendation_notes": application.recommendation_notes,
        },
    )


def _page(request, application, *, score_form=None, decision_form=None, withdraw_form=None):
    """The application's page; a bound form passed in (after a refused action) shows its errors
    and what was typed."""
    user = request.user
    can_assess = app_perms.can_assess(user)[0]
    scale = selectors.assessment_settings_for(application.round)
    score_form = score_form or _score_form(application, user, scale=scale)
    criteria = score_form.criteria
    moves = {m.target for m in APPLICATION.moves_for(application, user)}
    is_applicant = app_perms.acts_for_application(user, application)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "is_applicant": is_applicant,
            "can_assess": can_assess,
            "criteria": criteria,
            "scale": scale,
            "score_form": score_form,
            "decision_form": decision_form or DecisionForm(),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "can_edit": app_perms.can_edit_application(user, application)[0],
            "can_submit": is_applicant and ApplicationStatus.SUBMITTED in moves,
            "can_start": ApplicationStatus.UNDER_ASSESSMENT in moves,
            "can_decide": ApplicationStatus.ADMITTED in moves,
            "can_withdraw": ApplicationStatus.WITHDRAWN in moves and (is_applicant or can_assess),
            "can_score": can_assess and application.status == ApplicationStatus.UNDER_ASSESSMENT,
            "score_allowed": app_perms.can_score_application(user, application),
            "decide_allowed": app_perms.can_decide_subject(user, application),
            "assessors": selectors.assessors_of(application) if can_assess else [],
            "can_assign": app_perms.can_assign_assessors(user)[0],
            "assessors_url": assessors_url(application),
            "weighted": selectors.weighted_score(application, criteria) if criteria else None,
        },
    )


def _refused(request, form, exc) -> None:
    if form is not None:
        errors_to_form(form, exc)
    messages.error(request, message_for(exc))


@login_required
@require_safe
def application_detail(request, pk):
    """The applicant sees their answers and status; programme managers also score, recommend
    and decide here (each form posts to its own action URL)."""
    application = visible_application(request.user, pk)
    must_declare = declaration_needed(request, application)
    if must_declare is not None:
        return must_declare
    return _page(request, application)


@login_required
@require_POST
def application_start(request, pk):
    application = visible_application(request.user, pk)
    try:
        services.application_start_assessment(application=application, actor=request.user)
    except REFUSED as exc:
        _refused(request, None, exc)
        return _page(request, application)
    messages.success(request, "Assessment started.")
    return redirect(application.get_absolute_url())


def _save_scores(application, user, form) -> None:
    require(app_perms.can_score_application(user, application))
    with transaction.atomic():
        for criterion, score, comment in form.scores():
            services.application_score(
                application=application,
                criterion=criterion,
                assessor=user,
                score=score,
                comment=comment,
            )
        data = form.cleaned_data
        if data.get("recommendation") or data.get("recommendation_notes"):
            services.application_recommend(
                application=application,
                recommendation=data["recommendation"],
                notes=data["recommendation_notes"],
                actor=user,
            )


@login_required
@require_POST
def application_score(request, pk):
    """Save this assessor's scores and, if given, the recommendation: all or nothing."""
    user = request.user
    application = visible_application(user, pk)
    form = _score_form(application, user, request.POST)
    if form.is_valid():
        try:
            _save_scores(application, user, form)
        except REFUSED as exc:
            _refused(request, form, exc)
        else:
            messages.success(request, "Scores saved.")
            return redirect(application.get_absolute_url() + "#assessment")
    return _page(request, application, score_form=form)


@login_required
@require_POST
def application_decide(request, pk):
    """Admit or reject, after the confirmation step (core/confirm.py): admitting creates the area
    and awards its grant, and both tell the applicant, so a POST without confirm=1 only shows
    what would happen."""
    application = visible_application(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and not confirmed(request):
        decision = form.cleaned_data["decision"]
        preview = services.application_decide_preview(
            application=application,
            decision=decision,
            reasons=form.cleaned_data["reasons"],
            actor=request.user,
        )
        if not preview.allowed:
            _refused(request, form, preview.refusal)
            return _page(request, application, decision_form=form)
        verb = "admit" if decision == "admit" else "reject"
        return confirmation_page(
            request,
            title=f"{verb} the application for {application.area_name}",
            effects=confirmations.decision_effects(application, decision),
            button="Admit and create the area" if decision == "admit" else "Reject the application",
            back_url=application.get_absolute_url(),
            danger=decision == "reject",
        )
    if form.is_valid():
        try:
            decided = services.application_decide(
                application=application,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                actor=request.user,
            )
        except REFUSED as exc:
            _refused(request, form, exc)
        else:
            if decided.area_id:
                messages.success(
                    request,
                    f"{decided.area_name} admitted as {decided.area.reference}, at Getting "
                    "Ready; its grant has been awarded.",
                )
            else:
                messages.success(request, f"{decided.area_name} was not admitted.")
            return redirect(application.get_absolute_url())
    return _page(request, application, decision_form=form)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = visible_application(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except REFUSED as exc:
            _refused(request, form, exc)
        else:
            messages.success(request, "The application has been withdrawn.")
            return redirect(application.get_absolute_url())
    return _page(request, application, withdraw_form=form)
