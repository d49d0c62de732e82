"""Assessors assigned and conflicts of interest declared (GovS 015): a programme manager assigns
assessors to an application to join, a stage-gate application or a final plan; before seeing it,
each assessor declares no conflict, or a conflict with its nature. A conflicted assessor cannot
score or decide it (applications/permissions.py; the scoring and decision services ask).

The assignment's status is the ASSESSOR workflow's (applications/workflows.py), moved only here;
the declaration itself is a separate record, made once and kept, read by the round's register.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import message_for, require
from core.locking import lock
from core.text import REASON_CHARS, require_within
from core.transition import transition

from .. import permissions as app_perms
from ..models import (
    Application,
    ApplicationStatus,
    AssessorAssignment,
    AssessorStatus,
    ConflictDeclaration,
    Declaration,
    GateApplication,
    GateStatus,
)
from ..workflows import ASSESSOR
from .dates import happened_at

# What can still be assessed: a decided or withdrawn thing takes no new assessor.
OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT)
OPEN_PLAN = ("final_submitted", "under_review", "pm_approved", "funder_approved")


def subject_name(subject) -> str:
    if isinstance(subject, Application):
        return f"the application for {subject.area_name}"
    if isinstance(subject, GateApplication):
        return f"the {subject.get_target_stage_display()} application of {subject.area.reference}"
    return f"the final plan of {subject.area.reference}"


def _area_of(subject):
    return getattr(subject, "area", None)


def _open_for_assessment(subject) -> None:
    if isinstance(subject, Application):
        still_open = subject.status in OPEN_APPLICATION
    elif isinstance(subject, GateApplication):
        still_open = subject.status == GateStatus.SUBMITTED
    else:
        still_open = subject.status in OPEN_PLAN
    if not still_open:
        raise ValidationError(
            f"Assessors can only be assigned while {subject_name(subject)} is waiting for a "
            "decision."
        )


@transaction.atomic
def assessor_assign(*, subject, assessor, actor, occurred_at=None, imported: bool = False):
    """Assign `assessor` to `subject` (an application, a stage-gate application or a final plan)
    and tell them. Assigning someone removed before puts back what they declared then."""
    require(app_perms.can_assign_assessors(actor))
    require(app_perms.can_be_assessor(assessor))
    subject = lock(subject)
    _open_for_assessment(subject)
    where = app_perms.subject_filter(subject)
    existing = (
        AssessorAssignment.objects.select_for_update().filter(assessor=assessor, **where).first()
    )
    name = assessor.get_full_name() or assessor.username
    if existing is not None and existing.status != AssessorStatus.REMOVED:
        raise ValidationError(f"{name} is already assigned to {subject_name(subject)}.")
    declared = app_perms.declaration_of(assessor, subject)
    status = AssessorStatus.AWAITING
    if declared is not None:
        status = AssessorStatus.CONFLICTED if declared.is_conflict else AssessorStatus.CLEAR
    summary = f"{name} assigned to assess {subject_name(subject)}"
    notify = [assessor] if status == AssessorStatus.AWAITING and assessor != actor else []
    if existing is not None:
        return transition(
            existing,
            status,
            workflow=ASSESSOR,
            actor=actor,
            verb="assessor.assigned",
            summary=summary,
            area=_area_of(subject),
            notify=notify,
            occurred_at=occurred_at,
            imported=imported,
            changes={"assigned_by": actor, "assigned_at": happened_at(occurred_at)},
        )
    try:
        with transaction.atomic():
            assignment = AssessorAssignment.objects.create(
                assessor=assessor,
                assigned_by=actor,
                assigned_at=happened_at(occurred_at),
                status=status,
                **where,
            )
    except IntegrityError:
        raise ValidationError(f"{name} is already assigned to {subject_name(subject)}.") from None
    activity_record(
        verb="assessor.assigned",
        summary=summary,
        actor=actor,
        area=_area_of(subject),
        target=assignment,
        visibility=Visibility.STAFF,
        notify=notify,
        occurred_at=occurred_at,
        imported=imported,
        data={"assessor": assessor.pk},
    )
    return assignment


@transaction.atomic
def assessor_remove(*, assignment: AssessorAssignment, actor) -> AssessorAssignment:
    """Take an assessor off: their scores and declaration stay on the record."""
    require(app_perms.can_assign_assessors(actor))
    name = assignment.assessor.get_full_name() or assignment.assessor.username
    return transition(
        assignment,
        AssessorStatus.REMOVED,
        workflow=ASSESSOR,
        actor=actor,
        verb="assessor.removed",
        summary=lambda locked: f"{name} no longer assesses {subject_name(locked.subject)}",
        area=_area_of(assignment.subject),
    )


@dataclass
class AssignResult:
    succeeded: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (subject, reason)


def assessors_assign_bulk(*, subjects, assessor, actor) -> AssignResult:
    """Assign one assessor to each of `subjects`, one transaction each: one refusal (already
    assigned, already decided) does not undo the others."""
    result = AssignResult()
    for subject in subjects:
        try:
            assessor_assign(subject=subject, assessor=assessor, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            result.failed.append((subject, message_for(exc)))
        else:
            result.succeeded.append(subject)
    return result


@transaction.atomic
def conflict_declare(
    *,
    subject,
    actor,
    declaration: str,
    nature: str = "",
    occurred_at=None,
    imported: bool = False,
) -> ConflictDeclaration:
    """The assigned assessor declares, before seeing `subject`: no conflict of interest, or a
    conflict with its nature (which the register shows). Made once; a conflict stops them
    scoring or deciding it."""
    nature = (nature or "").strip()
    if declaration not in Declaration.values:
        raise ValidationError({"declaration": "Say whether you have a conflict of interest."})
    require_within(REASON_CHARS, nature=nature)
    if declaration == Declaration.CONFLICT and not nature:
        raise ValidationError(
            {"nature": "Say what the conflict is (for example, a neighbour or a colleague)."}
        )
    if declaration == Declaration.NONE:
        nature = ""
    where = app_perms.subject_filter(subject)
    assignment = (
        AssessorAssignment.objects.select_for_update()
        .filter(assessor=actor, **where)
        .exclude(status=AssessorStatus.REMOVED)
        .first()
    )
    if assignment is None:
        raise PermissionDenied(
            f"You are not assigned to assess {app_perms.subject_noun(subject)}, so you have "
            "nothing to declare."
        )
    target = (
        AssessorStatus.CONFLICTED if declaration == Declaration.CONFLICT else AssessorStatus.CLEAR
    )
    if assignment.status != AssessorStatus.AWAITING:
        raise ValidationError(
            f"You have already declared your interests in {app_perms.subject_noun(subject)}."
        )
    made = ConflictDeclaration.objects.create(
        assessor=actor,
        declaration=declaration,
        nature=nature,
        declared_at=happened_at(occurred_at),
        **where,
    )
    name = actor.get_full_name() or actor.username
    transition(
        assignment,
        target,
        workflow=ASSESSOR,
        locked=assignment,
        actor=actor,
        verb="assessor.declared",
        summary=(
            f"{name} declared a conflict of interest in {subject_name(subject)}"
            if made.is_conflict
            else f"{name} declared no conflict of interest in {subject_name(subject)}"
        ),
        reason=nature,
        area=_area_of(subject),
        occurred_at=occurred_at,
        imported=imported,
        assignment=assignment,
    )
    return made


# --- Peer reviewers of draft plans --------------------------------------------------------------


@transaction.atomic
def peer_conflict_declare(
    *, assignment, actor, declaration: str, nature: str = ""
) -> ConflictDeclaration:
    """A peer reviewer (a user of the organisation asked to review another area's draft plan)
    declares any conflict of interest before reading it. Made once per person and plan; a
    conflicted reviewer cannot send the review (plans.services.peer_review_submit asks)."""
    from accounts import permissions as perms

    nature = (nature or "").strip()
    if not perms.user_belongs_to(actor, assignment.reviewer_organisation_id):
        raise PermissionDenied("Only the organisation asked to review this plan can declare.")
    if declaration not in Declaration.values:
        raise ValidationError({"declaration": "Say whether you have a conflict of interest."})
    require_within(REASON_CHARS, nature=nature)
    if declaration == Declaration.CONFLICT and not nature:
        raise ValidationError(
            {"nature": "Say what the conflict is (for example, a neighbour or a colleague)."}
        )
    plan = lock(assignment.plan)
    if ConflictDeclaration.objects.filter(assessor=actor, plan=plan).exists():
        raise ValidationError("You have already declared your interests in this plan.")
    made = ConflictDeclaration.objects.create(
        assessor=actor,
        plan=plan,
        declaration=declaration,
        nature=nature if declaration == Declaration.CONFLICT else "",
        as_peer_reviewer=True,
    )
    name = actor.get_full_name() or actor.username
    activity_record(
        verb="peer_reviewer.declared",
        summary=(
            f"Peer reviewer {name} declared a conflict of interest in {subject_name(plan)}"
            if made.is_conflict
            else f"Peer reviewer {name} declared no conflict of interest in {subject_name(plan)}"
        ),
        actor=actor,
        area=plan.area,
        reason=made.nature,
        target=made,
        visibility=Visibility.STAFF,
    )
    return made
