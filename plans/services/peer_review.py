"""Peer review: other lead organisations in the round read a submitted draft and send feedback."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from activity.services import activity_record
from applications.permissions import can_peer_review
from core.errors import require
from core.locking import lock
from programmes.models import Area, Organisation

from .. import permissions as plan_perms
from .. import selectors
from ..models import OperationalPlan, PeerReview, PeerReviewAssignment
from ..workflows import PlanStatus
from .common import lock_plan, people


def peer_review_assign(
    *,
    plan: OperationalPlan,
    reviewer_organisations: list[Organisation],
    actor,
    due_on: date,
) -> list[PeerReviewAssignment]:
    """Ask other lead organisations in the same round to review a submitted draft. When the round
    requires peer review, a plan needs at least two reviewers."""
    require(plan_perms.can_assign_peer_reviews(actor))
    with transaction.atomic():
        locked = lock_plan(plan)
        area = locked.area
        if locked.status != PlanStatus.DRAFT_SUBMITTED:
            raise ValidationError("Peer reviewers are assigned once the draft plan is submitted.")
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": "The due date cannot be in the past."})
        orgs = list(dict.fromkeys(reviewer_organisations))
        eligible = set(
            Area.objects.filter(round_id=area.round_id)
            .exclude(lead_organisation_id=area.lead_organisation_id)
            .values_list("lead_organisation_id", flat=True)
        )
        wrong = [o.name for o in orgs if o.pk not in eligible]
        if wrong:
            raise ValidationError(
                {
                    "reviewer_organisations": "Reviewers must be other lead organisations in "
                    f"{area.round}: {', '.join(wrong)} cannot review this plan."
                }
            )
        existing = set(
            locked.peer_review_assignments.values_list("reviewer_organisation_id", flat=True)
        )
        new = [o for o in orgs if o.pk not in existing]
        if not new:
            raise ValidationError({"reviewer_organisations": "Choose at least one new reviewer."})
        if area.round.peer_review_required and len(existing) + len(new) < 2:
            raise ValidationError(
                {
                    "reviewer_organisations": "This round asks for at least two peer reviewers per plan."
                }
            )
        created = [
            PeerReviewAssignment.objects.create(
                plan=locked, reviewer_organisation=o, assigned_by=actor, due_on=due_on
            )
            for o in new
        ]
        activity_record(
            verb="plan.peer_reviewers_assigned",
            summary=f"Peer reviewers assigned: {', '.join(o.name for o in new)}",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=locked,
            notify=people(area),
        )
        for assignment in created:
            activity_record(
                verb="peer_review.assigned",
                summary=f"Please peer review the draft plan for {area.name} by {due_on:%-d %B %Y}",
                actor=actor,
                visibility=Visibility.STAFF,
                target=assignment,
                notify=selectors.organisation_members(assignment.reviewer_organisation_id),
            )
    return created


def peer_review_submit(
    *,
    assignment: PeerReviewAssignment,
    actor,
    strengths: str,
    suggestions: str,
    questions: str = "",
    overall_rating: int,
) -> PeerReview:
    """A reviewer's structured feedback; the plan's authors and programme staff read it."""
    with transaction.atomic():
        assignment = lock(assignment, related=("plan", "plan__area"), of=("self",))
        require(plan_perms.can_submit_peer_review(actor, assignment))
        # GovS 015: declared first, and not conflicted (applications.permissions).
        require(can_peer_review(actor, assignment.plan))
        review = PeerReview(
            assignment=assignment,
            strengths=strengths.strip(),
            suggestions=suggestions.strip(),
            questions=(questions or "").strip(),
            overall_rating=overall_rating,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        review.full_clean()
        review.save()
        area = assignment.plan.area
        activity_record(
            verb="peer_review.submitted",
            summary=f"Peer review received from {assignment.reviewer_organisation}",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=review,
            notify=people(area, pms=True),
        )
    return review
