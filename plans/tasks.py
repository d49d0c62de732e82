"""Daily reminders: round milestones coming up, and final plans waiting longer than the round's
review target."""

import datetime

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from core.wording import days
from programmes.models import Area, AreaStage, AreaStatus, Milestone

from . import selectors
from .models import OperationalPlan, PlanVersion, ReminderSent
from .workflows import AWAITING_REVIEW

REMINDER_DAYS = (14, 3)

# The stage an area is at when a milestone of this kind applies to it.
MILESTONE_STAGE = {
    Milestone.Kind.GETTING_GOING_APPLICATION: AreaStage.GETTING_READY,
    Milestone.Kind.DRAFT_PLAN: AreaStage.GETTING_GOING,
    Milestone.Kind.FINAL_PLAN: AreaStage.GETTING_GOING,
}


def areas_that_met(milestone: Milestone, area_ids) -> set[int]:
    """Which of these areas have already met the milestone: a draft (or final) plan submitted,
    or a Getting Going application sent."""
    if milestone.kind == Milestone.Kind.DRAFT_PLAN:
        return set(
            PlanVersion.objects.filter(plan__area_id__in=area_ids).values_list(
                "plan__area_id", flat=True
            )
        )
    if milestone.kind == Milestone.Kind.FINAL_PLAN:
        return set(
            PlanVersion.objects.filter(
                plan__area_id__in=area_ids, kind=PlanVersion.Kind.FINAL
            ).values_list("plan__area_id", flat=True)
        )
    try:
        from applications.models import GateApplication, GateStatus
    except ImportError:  # the applications app has no gate applications yet
        return set()
    return set(
        GateApplication.objects.filter(area_id__in=area_ids, target_stage=AreaStage.GETTING_GOING)
        .exclude(status=GateStatus.DRAFT)
        .values_list("area_id", flat=True)
    )


def areas_to_remind(milestone: Milestone) -> list[Area]:
    stage = MILESTONE_STAGE[milestone.kind]
    areas = list(
        Area.objects.filter(
            round_id=milestone.round_id, stage=stage, status=AreaStatus.ACTIVE
        ).select_related("lead_organisation")
    )
    met = areas_that_met(milestone, [a.pk for a in areas])
    return [a for a in areas if a.pk not in met]


@shared_task(acks_late=True)
def milestone_reminders(today: str | None = None) -> dict:
    """Remind areas 14 and 3 days before a round milestone they have not yet met, and flag final
    plans waiting longer than the round's review target to programme managers.

    Idempotent: each reminder is recorded in ReminderSent (unique per area, milestone and days
    before) and each overdue plan is flagged once per final submission, so running the job twice
    the same day sends nothing twice."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    for days_before in REMINDER_DAYS:
        milestones = Milestone.objects.filter(
            kind__in=list(MILESTONE_STAGE), due_on=day + datetime.timedelta(days=days_before)
        ).select_related("round")
        for milestone in milestones:
            for area in areas_to_remind(milestone):
                sent += _remind(area, milestone, days_before)
    flagged = _flag_overdue_reviews(day)
    return {"reminders": sent, "overdue_flagged": flagged}


def _remind(area, milestone, days_before) -> int:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(area=area, milestone=milestone, days_before=days_before)
            activity_record(
                verb="milestone.reminder",
                summary=f"Reminder: {milestone.name} is due in {days(days_before)} "
                f"({milestone.due_on.day} {milestone.due_on:%B %Y})",
                area=area,
                visibility=Visibility.AREA,
                data={"milestone": milestone.pk, "days_before": days_before},
                notify=[*lead_members(area), relationship_manager(area)],
            )
    except IntegrityError:  # already sent (a re-run or a concurrent worker)
        return 0
    return 1


def _flag_overdue_reviews(day) -> int:
    flagged = 0
    candidates = OperationalPlan.objects.filter(
        status__in=AWAITING_REVIEW,
        overdue_flagged_at__isnull=True,
        final_submitted_at__isnull=False,
    ).select_related("area", "area__round")
    pms = selectors.programme_managers()
    for plan in candidates:
        selectors.annotate_waiting(plan, day)
        if not plan.is_overdue:
            continue
        with transaction.atomic():
            updated = OperationalPlan.objects.filter(
                pk=plan.pk, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=timezone.now())
            if not updated:
                continue
            activity_record(
                verb="plan.review_overdue",
                summary=f"Plan review overdue: {plan.area.reference} has waited "
                f"{days(plan.days_waiting)} (target {plan.target_days})",
                area=plan.area,
                visibility=Visibility.STAFF,
                target=plan,
                notify=pms,
            )
            flagged += 1
    return flagged
