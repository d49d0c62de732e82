"""Peer review pages: the programme manager assigns reviewers; the reviewing organisation reads
the draft and sends its feedback."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import permissions as perms
from applications.forms import DeclarationForm
from applications.permissions import can_peer_review, declaration_of
from applications.services import peer_conflict_declare
from core.errors import errors_to_form, message_for

from .. import permissions as plan_perms
from .. import selectors, services
from ..forms import PeerReviewAssignForm, PeerReviewForm
from ..models import LOGIC_MODEL_COLUMNS, PLAN_SECTIONS, PlanVersion
from .common import area_for, refusal_messages


@login_required
def peer_review_assign(request, reference):
    allowed, reason = plan_perms.can_assign_peer_reviews(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    area = area_for(request.user, reference)
    plan = selectors.plan_for_area(area)
    if plan is None:
        raise Http404("This area has no plan yet.")
    form = PeerReviewAssignForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.peer_review_assign(
                plan=plan,
                reviewer_organisations=list(form.cleaned_data["reviewer_organisations"]),
                actor=request.user,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{len(created)} peer reviewer(s) assigned and told.")
            return redirect(reverse("plans:workspace", args=[area.reference]) + "#peer-reviews")
    return render(
        request, "plans/peer_review_assign.html", {"area": area, "plan": plan, "form": form}
    )


@login_required
def peer_review_list(request):
    if not perms.is_lead_organisation_user(request.user):
        raise PermissionDenied("Peer reviews are written by lead organisations.")
    return render(
        request,
        "plans/peer_review_list.html",
        {"assignments": selectors.peer_reviews_for(user=request.user)},
    )


@login_required
def peer_review_detail(request, pk):
    # Only assignments for the user's organisations exist for them: anything else is a 404.
    assignment = get_object_or_404(selectors.peer_reviews_for(user=request.user), pk=pk)
    plan = assignment.plan
    version = selectors.latest_version(plan, PlanVersion.Kind.DRAFT)
    review = getattr(assignment, "review", None)
    form = None
    if review is None and declaration_of(request.user, plan) is None:
        # GovS 015: the reviewer declares any conflict of interest before reading the plan.
        messages.warning(
            request, "Declare any conflict of interest in this plan before you review it."
        )
        return redirect("plans:peer_declare", assignment.pk)
    conflicted = review is None and not can_peer_review(request.user, plan)[0]
    if conflicted:
        messages.warning(
            request, "You declared a conflict of interest in this plan, so you cannot review it."
        )
    if review is None and not conflicted:
        form = PeerReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.peer_review_submit(
                    assignment=assignment, actor=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                refusal_messages(request, exc)
            else:
                messages.success(request, "Thank you: your peer review has been sent.")
                return redirect("plans:peer_review_detail", assignment.pk)
    return render(
        request,
        "plans/peer_review_detail.html",
        {
            "assignment": assignment,
            "plan": plan,
            "area": plan.area,
            "version": version,
            "sections": [
                (label, version.content.get("sections", {}).get(key, ""))
                for key, label in PLAN_SECTIONS
            ]
            if version
            else [],
            "columns": LOGIC_MODEL_COLUMNS,
            "review": review,
            "form": form,
        },
    )


@login_required
def peer_declare(request, pk):
    """A peer reviewer's declaration of interests (GovS 015), before they read the draft plan
    they were asked to review: recorded by the applications app's assessor rules."""
    assignment = get_object_or_404(selectors.peer_reviews_for(user=request.user), pk=pk)
    detail = reverse("plans:peer_review_detail", args=[assignment.pk])
    if declaration_of(request.user, assignment.plan) is not None:
        messages.info(request, "You have already declared your interests in this plan.")
        return redirect(detail)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            peer_conflict_declare(
                assignment=assignment,
                actor=request.user,
                declaration=form.cleaned_data["declaration"],
                nature=form.cleaned_data["nature"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors_to_form(form, exc)
            messages.error(request, message_for(exc))
        else:
            messages.success(request, "Your declaration is recorded.")
            return redirect(detail)
    return render(
        request,
        "applications/declare.html",
        {
            "subject_name": f"the draft plan of {assignment.plan.area.reference}",
            "round": assignment.plan.area.round,
            "form": form,
            "peer_review": True,
        },
    )
