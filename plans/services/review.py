"""The reviewers' decisions short of sign-off: start the review, return the plan for changes,
or do not approve it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from activity.services import activity_record
from applications.permissions import can_decide_subject
from core.errors import require
from core.locking import copy_back
from core.text import NOTE_CHARS, require_within
from core.transition import transition
from programmes.models import AreaStatus
from programmes.services import area_move

from .. import permissions as plan_perms
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


def _order(locked) -> dict:
    """The plan workflow's context: the round's sign-off order."""
    return {"sign_off_order": locked.area.round.sign_off_order}


def plan_start_review(
    *, plan: OperationalPlan, actor, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """A programme manager starts the review of a submitted final plan (their notifications of
    the submission are resolved: plans/workflows.py)."""
    with transaction.atomic():
        locked = lock_plan(plan)
        transition(
            plan,
            PlanStatus.UNDER_REVIEW,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            verb="plan.review_started",
            summary="Review of the final operational plan started",
            area=locked.area,
            visibility=Visibility.AREA,
            occurred_at=occurred_at,
            imported=imported,
            notify=people(locked.area),
            check_context=_order,
        )
    return plan


def plan_return(
    *,
    plan: OperationalPlan,
    actor,
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
    now = occurred_at or timezone.now()

    def commented(locked):
        version = selectors.latest_version(locked)
        SectionComment.objects.bulk_create(
            [
                SectionComment(plan=locked, version=version, section=k, comment=v, author=actor)
                for k, v in comments.items()
            ]
        )
        # The signatures stop counting (the plan must be signed again) but are kept.
        locked.sign_offs.filter(superseded_at__isnull=True).update(superseded_at=now)
        return {"decided_by": actor, "decided_at": now}

    with transaction.atomic():
        locked = lock_plan(plan)
        transition(
            plan,
            PlanStatus.RETURNED,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            permission=lambda locked: can_decide_subject(actor, locked),
            verb="plan.returned",
            summary="Operational plan returned for changes",
            area=locked.area,
            reason="\n".join(f"{known[k]}: {v}" for k, v in comments.items()),
            visibility=Visibility.AREA,
            occurred_at=now,
            imported=imported,
            notify=people(locked.area, pms=True, funders=True),
            changes=commented,
            check_context=_order,
        )
    return plan


def plan_not_approve(
    *, plan: OperationalPlan, actor, reasons: str, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Do not approve the plan, with reasons: the area did not progress to implementation."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError("Give the reasons the plan is not approved.")
    decided_at = occurred_at or timezone.now()
    with transaction.atomic():
        locked = lock_plan(plan)
        transition(
            plan,
            PlanStatus.NOT_APPROVED,
            workflow=PLAN,
            locked=locked,
            actor=actor,
            permission=lambda locked: can_decide_subject(actor, locked),
            verb="plan.not_approved",
            summary="Operational plan not approved",
            area=locked.area,
            reason=reasons,
            visibility=Visibility.AREA,
            occurred_at=decided_at,
            imported=imported,
            notify=people(locked.area, pms=True, funders=True),
            changes={"decided_by": actor, "decided_at": decided_at, "decision_reason": reasons},
            check_context=_order,
        )
        # A plan not approved is the end of the road for the area, as a refused Getting Going
        # gate is: it did not progress to implementation.
        area_move(
            area=locked.area,
            status=AreaStatus.NOT_PROGRESSED,
            actor=actor,
            summary="Did not progress: operational plan not approved",
            reason=reasons,
            occurred_at=locked.decided_at,
            imported=imported,
        )
    return copy_back(plan, locked)


def open_comments(plan: OperationalPlan) -> list[SectionComment]:
    """The comments of the plan's latest return, while it is back with the lead organisation
    for changes: the ones the lead answers (older returns' comments are history)."""
    if plan.status != PlanStatus.RETURNED:
        return []
    version = selectors.latest_version(plan)
    return list(
        plan.comments.filter(version=version).select_related("author", "responded_by")
        if version
        else plan.comments.filter(version__isnull=True).select_related("author", "responded_by")
    )


def plan_comment_answer(*, comment: SectionComment, actor, response: str) -> SectionComment:
    """The lead organisation answers a reviewer's comment beside it, while the plan is returned
    for changes; an empty answer clears it. Only comments of the latest return are answered; the
    answer is up to core.text.NOTE_CHARS characters and each change is on the area's
    timeline."""
    response = (response or "").replace("\r\n", "\n").strip()
    require_within(NOTE_CHARS, response=response)
    with transaction.atomic():
        locked_plan = lock_plan(comment.plan)
        require(plan_perms.can_edit_documents(actor, locked_plan.area))
        if comment.pk not in {c.pk for c in open_comments(locked_plan)}:
            raise ValidationError(
                "Only the comments of the latest return can be answered, while the plan is "
                "back with you for changes.",
                code="comment_closed",
            )
        locked = SectionComment.objects.select_for_update().get(pk=comment.pk)
        if locked.response == response:
            return locked
        now = timezone.now()
        locked.response = response
        locked.responded_by, locked.responded_at = (actor, now) if response else (None, None)
        locked.save(update_fields=["response", "responded_by", "responded_at"])
        activity_record(
            verb="plan.comment_answered",
            summary=(
                f"Answered the reviewer's comment on {section_label(locked.section)}"
                if response
                else f"Cleared the answer to the reviewer's comment on "
                f"{section_label(locked.section)}"
            ),
            actor=actor,
            area=locked_plan.area,
            reason=response,
            visibility=Visibility.AREA,
            target=locked,
        )
    copy_back(comment, locked)
    return comment
