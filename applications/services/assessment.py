"""Assessing an application to join: starting the assessment, the assessors' scores and the
recommendation to the decision (``applications.services.admission`` decides)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.transition import transition

from .. import permissions as app_perms
from ..models import (
    Application,
    ApplicationStatus,
    AssessmentCriterion,
    AssessmentScore,
    Recommendation,
)
from ..selectors import assessment_settings_for
from ..workflows import APPLICATION

# --- Assessment -------------------------------------------------------------------------------


@transaction.atomic
def application_start_assessment(
    *, application: Application, actor, occurred_at=None, imported: bool = False
) -> Application:
    """Take a submitted application into assessment, so it can be scored and decided."""
    return transition(
        application,
        ApplicationStatus.UNDER_ASSESSMENT,
        workflow=APPLICATION,
        actor=actor,
        verb="application.assessment_started",
        summary=lambda locked: f"Assessment started for {locked.area_name}",
        occurred_at=occurred_at,
        imported=imported,
    )


@transaction.atomic
def application_score(
    *,
    application: Application,
    criterion: AssessmentCriterion,
    assessor,
    score: int,
    comment: str = "",
) -> AssessmentScore:
    """Record (or change) one assessor's score for one criterion, on the round's scale. Only an
    assessor assigned to the application who declared no conflict of interest scores it."""
    require(app_perms.can_assess(assessor))
    if criterion.round_id != application.round_id:
        raise ValidationError({"criterion": "This criterion belongs to another round."})
    if application.status != ApplicationStatus.UNDER_ASSESSMENT:
        raise ValidationError("Scores can only be given while the application is under assessment.")
    require(app_perms.can_score_application(assessor, application))
    scale = assessment_settings_for(application.round)
    if score is None or not scale.score_min <= int(score) <= scale.score_max:
        raise ValidationError(
            {"score": f"Give a score from {scale.score_min} to {scale.score_max}."}
        )
    before = (
        AssessmentScore.objects.select_for_update()
        .filter(application=application, criterion=criterion, assessor=assessor)
        .values("score", "comment")
        .first()
    )
    row, _ = AssessmentScore.objects.update_or_create(
        application=application,
        criterion=criterion,
        assessor=assessor,
        defaults={"score": int(score), "comment": comment},
    )
    if before != {"score": row.score, "comment": row.comment}:
        # Scores are audit records: each score given or changed is on the trail (staff only).
        was = f" (was {before['score']})" if before and before["score"] != row.score else ""
        activity_record(
            verb="application.scored",
            summary=(
                f"{assessor.get_full_name() or assessor} scored {application.area_name} "
                f"{row.score}{was} for {criterion.name}"
            ),
            actor=assessor,
            reason=comment,
            visibility=Visibility.STAFF,
            target=row,
            data={
                "application": application.pk,
                "criterion": criterion.pk,
                "score": row.score,
                "previous_score": before["score"] if before else None,
            },
        )
    return row


@transaction.atomic
def application_recommend(
    *, application: Application, recommendation: str, notes: str, actor
) -> Application:
    """Record the assessors' recommendation (admit or reject) with notes, before the decision.
    Not by someone who declared a conflict of interest in the application."""
    require(app_perms.can_assess(actor))
    require(app_perms.not_conflicted(actor, application, "recommend"))
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": "Choose admit or reject."})
    locked = lock(application)
    if locked.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT):
        raise ValidationError("A recommendation can only be made before the decision.")
    locked.recommendation = recommendation
    locked.recommendation_notes = notes
    locked.save(update_fields=["recommendation", "recommendation_notes", "updated_at"])
    activity_record(
        verb="application.recommended",
        summary=f"Recommendation for {locked.area_name}: {locked.get_recommendation_display()}",
        actor=actor,
        reason=notes,
        target=locked,
    )
    return copy_back(application, locked)
