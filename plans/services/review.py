"""The reviewers' decisions short of sign-off: start the review, return the plan for changes,
or do not approve it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from activity.services import activity_record
from core.locking import copy_back
from programmes.models import AreaStatus
from programmes.services import area_move

from .. import selectors
from ..models import PLAN_SECTIONS, SECTION_LABELS, OperationalPlan, SectionComment
from ..workflows import PLAN, PlanStatus
from .common import lock_plan, people

# Sections a reviewer can comment on when returning a plan, beyond the plan's own text sections.
COMMENTABLE_SECTIONS = [
    *PLAN_SECTIONS,
    ("budget_arrangements", "Budget arrangements"),
    ("resourcing_lines", "Planned funding by source"),
    ("logic_model", "Logic model"),
    ("cba", "Cost benefit analysis"),
    ("general", "General"),
]


def section_label(key: str) -> str:
    return dict(COMMENTABLE_SECTIONS).get(key) or SECTION_LABELS.get(key, key)


def plan_start_review(
    *, plan: OperationalPlan, user, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    with transaction.atomic():
        locked = lock_plan(plan)
        PLAN.check(
            locked, PlanStatus.UNDER_REVIEW, user, sign_off_order=locked.area.round.sign_off_order
        )
        locked.status = PlanStatus.UNDER_REVIEW
        locked.save()
        activity_record(
            verb="plan.review_started",
            summary="Review of the final operational plan started",
            actor=user,
            area=locked.area,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
            notify=people(locked.area),
        )
    return copy_back(plan, locked)


def plan_return(
    *,
    plan: OperationalPlan,
    user,
    comments: dict[str, str],
    occurred_at=None,
    imported: bool = False,
) -> OperationalPlan:
    """Return the plan for changes with a comment per section. Any signature already given no
    longer applies: the plan will change, so both parties sign the resubmitted version."""
    comments = {k: (v or "").strip() for k, v in comments.items() if (v or "").strip()}
    known = dict(COMMENTABLE_SECTIONS)
    unknown = [k for k in comments if k not in known]
    if unknown:
        raise ValidationError(f"Unknown section: {', '.join(unknown)}.")
    if not comments:
        raise ValidationError("Say what needs to change in at least one section.")
    with transaction.atomic():
        locked = lock_plan(plan)
        PLAN.check(
            locked, PlanStatus.RETURNED, user, sign_off_order=locked.area.round.sign_off_order
        )
        version = selectors.latest_version(locked)
        SectionComment.objects.bulk_create(
            [
                SectionComment(plan=locked, version=version, section=k, comment=v, author=user)
                for k, v in comments.items()
            ]
        )
        now = occurred_at or timezone.now()
        # The signatures stop counting (the plan must be signed again) but are kept.
        locked.sign_offs.filter(superseded_at__isnull=True).update(superseded_at=now)
        locked.status = PlanStatus.RETURNED
        locked.decided_by, locked.decided_at = user, now
        locked.save()
        activity_record(
            verb="plan.returned",
            summary="Operational plan returned for changes",
            actor=user,
            area=locked.area,
            reason="\n".join(f"{known[k]}: {v}" for k, v in comments.items()),
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=now,
            imported=imported,
            notify=people(locked.area, pms=True, funders=True),
        )
    return copy_back(plan, locked)


def plan_not_approve(
    *, plan: OperationalPlan, user, reasons: str, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError("Give the reasons the plan is not approved.")
    with transaction.atomic():
        locked = lock_plan(plan)
        PLAN.check(
            locked, PlanStatus.NOT_APPROVED, user, sign_off_order=locked.area.round.sign_off_order
        )
        locked.status = PlanStatus.NOT_APPROVED
        locked.decided_by, locked.decided_at = user, occurred_at or timezone.now()
        locked.decision_reason = reasons
        locked.save()
        activity_record(
            verb="plan.not_approved",
            summary="Operational plan not approved",
            actor=user,
            area=locked.area,
            reason=reasons,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=locked.decided_at,
            imported=imported,
            notify=people(locked.area, pms=True, funders=True),
        )
        # A plan not approved is the end of the road for the area, as a refused Getting Going
        # gate is: it did not progress to implementation.
        area_move(
            area=locked.area,
            status=AreaStatus.NOT_PROGRESSED,
            actor=user,
            summary="Did not progress: operational plan not approved",
            reason=reasons,
            occurred_at=locked.decided_at,
            imported=imported,
        )
    return copy_back(plan, locked)
