"""Stage-gate applications: an area's lead organisation drafts and sends one for the next stage
(or a top-up), and a programme manager approves it (awarding the stage grant, adding adviser
days, moving the area on) or rejects it (a refused Getting Going gate means the area did not
progress).

Every status change: locks the gate (then the area, always in that order, as area_leave does),
asks the GATE workflow, checks the actor's scope, and writes one activity entry.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions as perms
from activity.models import Visibility
from activity.services import activity_record
from core.errors import message_for, require
from core.locking import copy_back, lock
from core.money import pounds
from core.transition import transition
from core.workflow import MoveRefused
from programmes import services as programme_services
from programmes.models import AREA_STAGE_ORDER, Area, AreaStage, AreaStatus, Milestone

from .. import permissions as app_perms
from ..models import GateApplication, GateStage, GateStatus
from ..workflows import GATE
from .awards import add_adviser_days, award_stage
from .dates import happened_at, happened_on
from .evidence import EVIDENCE_FIELDS, evidence_apply, evidence_stored
from .extensions import gate_deadline

GATE_FROM_STAGES = {
    GateStage.GETTING_GOING: {AreaStage.GETTING_READY},
    GateStage.GOING_FURTHER: {AreaStage.GETTING_READY, AreaStage.GETTING_GOING},
    GateStage.BREAKING_NEW_GROUND: {AreaStage.GETTING_READY, AreaStage.GETTING_GOING},
    GateStage.MAKING_IT_HAPPEN: {AreaStage.IMPLEMENTATION},
}
# The stage an approved gate puts the area at; top-ups leave it where it is.
GATE_MOVES_AREA_TO = {
    GateStage.GETTING_GOING: AreaStage.GETTING_GOING,
    GateStage.MAKING_IT_HAPPEN: AreaStage.MAKING_IT_HAPPEN,
}
GATE_MILESTONE_KIND = {
    GateStage.GETTING_GOING: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.GOING_FURTHER: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.BREAKING_NEW_GROUND: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.MAKING_IT_HAPPEN: Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
}
GATE_FIELDS = [
    "target_stage",
    "amount_requested",
    "milestone",
    "summary",
    "development_strategy",
    "logic_model",
]


def _stage_range(area, stage):
    d = area.round.stage_definitions.filter(stage=stage).first()
    if d is None:
        raise ValidationError({"target_stage": "This round does not offer that stage."})
    return d


def _check_amount(area, stage, amount, field_name):
    d = _stage_range(area, stage)
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError):
        raise ValidationError({field_name: "Enter an amount in pounds."})
    if not d.grant_min <= amount <= d.grant_max:
        if d.grant_min == d.grant_max:
            msg = f"The {d.get_stage_display()} grant is {pounds(d.grant_max)}."
        else:
            msg = (
                f"The {d.get_stage_display()} grant is between {pounds(d.grant_min)} and "
                f"{pounds(d.grant_max)}."
            )
        raise ValidationError({field_name: msg})
    return amount


def _check_gate_fields(gate):
    if gate.milestone.round_id != gate.area.round_id:
        raise ValidationError({"milestone": "Choose a milestone from the area's own round."})


def _lock_area_of(gate) -> Area:
    return Area.objects.select_for_update().get(pk=gate.area_id)


# --- Drafting and sending ---------------------------------------------------------------------


def gate_create(
    *,
    area: Area,
    actor,
    target_stage: str,
    milestone: Milestone,
    amount_requested=None,
    summary: str = "",
    development_strategy=None,
    logic_model=None,
    occurred_at=None,
    imported: bool = False,
) -> GateApplication:
    """Start a draft gate application for the area, by its lead organisation. Evidence files are
    checked by content and stored under generated names; if the draft is refused they are deleted
    again."""
    require(app_perms.can_act_for_area(actor, area))
    files = {"development_strategy": development_strategy, "logic_model": logic_model}
    with evidence_stored(area=area, files=files) as stored:
        return _gate_create(
            area=area,
            actor=actor,
            target_stage=target_stage,
            milestone=milestone,
            amount_requested=amount_requested,
            summary=summary,
            stored=stored,
            occurred_at=occurred_at,
            imported=imported,
        )


@transaction.atomic
def _gate_create(
    *,
    area,
    actor,
    target_stage,
    milestone,
    amount_requested,
    summary,
    stored,
    occurred_at,
    imported,
) -> GateApplication:
    if area.status != AreaStatus.ACTIVE:
        raise ValidationError("This area is no longer active, so it cannot apply for a stage.")
    if area.stage not in GATE_FROM_STAGES.get(target_stage, set()):
        raise ValidationError(
            {"target_stage": f"An area at {area.get_stage_display()} cannot apply for this stage."}
        )
    if amount_requested is None:
        amount_requested = _stage_range(area, target_stage).grant_max
    gate = GateApplication(
        area=area,
        target_stage=target_stage,
        milestone=milestone,
        amount_requested=amount_requested,
        summary=summary,
        created_by=actor,
    )
    evidence_apply(gate, stored)
    _check_gate_fields(gate)
    gate.full_clean()
    gate.save()
    activity_record(
        verb="gate.created",
        summary=f"{gate.get_target_stage_display()} application started",
        actor=actor,
        area=area,
        target=gate,
        occurred_at=occurred_at,
        imported=imported,
    )
    return gate


def gate_update(*, gate: GateApplication, actor, **changes) -> GateApplication:
    """Change a draft gate application (any of GATE_FIELDS); files left out stay as they are, new
    ones are checked by content and replace the old (deleted once the change commits)."""
    require(app_perms.can_act_for_area(actor, gate.area))
    unknown = set(changes) - set(GATE_FIELDS)
    if unknown:
        raise TypeError(f"gate_update does not change {', '.join(sorted(unknown))}")
    files = {name: changes.pop(name) for name in EVIDENCE_FIELDS if name in changes}
    with evidence_stored(area=gate.area, files=files) as stored:
        return _gate_update(gate=gate, actor=actor, stored=stored, changes=changes)


@transaction.atomic
def _gate_update(*, gate, actor, stored, changes) -> GateApplication:
    locked = lock(gate)
    require(app_perms.can_act_for_area(actor, locked.area))
    if locked.status != GateStatus.DRAFT:
        raise ValidationError("This application has been sent, so it can no longer be changed.")
    for name, value in changes.items():
        setattr(locked, name, value)
    evidence_apply(locked, stored)
    if locked.area.stage not in GATE_FROM_STAGES.get(locked.target_stage, set()):
        raise ValidationError({"target_stage": "The area cannot apply for this stage now."})
    _check_gate_fields(locked)
    locked.full_clean()
    locked.save()
    return copy_back(gate, locked)


def _check_in_time(gate, *, occurred_at, imported):
    """Refuse a gate sent after its milestone's date (or the area's extended date)."""
    due, ext = gate_deadline(gate.area, gate.milestone)
    if imported or happened_on(occurred_at) <= due:
        return
    if ext is not None:
        raise ValidationError(
            f"The extended deadline for {gate.milestone.name} passed on {due:%-d %B %Y}."
        )
    raise ValidationError(
        f"The deadline for {gate.milestone.name} was {due:%-d %B %Y}. Ask your "
        "programme manager for an extension if you need more time."
    )


def _sending_errors(gate, *, imported) -> dict:
    """What is missing or wrong in a gate application about to be sent, by field."""
    errors = {}
    if gate.target_stage == GateStage.GETTING_GOING and not imported:
        if not gate.development_strategy:
            errors["development_strategy"] = "Attach your development strategy."
        if not gate.logic_model:
            errors["logic_model"] = "Attach your logic model."
    if not gate.summary.strip():
        errors["summary"] = "Summarise your evidence."
    try:
        _check_amount(gate.area, gate.target_stage, gate.amount_requested, "amount_requested")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if GateApplication.objects.filter(
        area=gate.area,
        target_stage=gate.target_stage,
        status__in=[GateStatus.SUBMITTED, GateStatus.APPROVED],
    ).exists():
        errors["target_stage"] = "The area already has an application for this stage."
    return errors


@transaction.atomic
def gate_submit(
    *, gate: GateApplication, actor, occurred_at=None, imported: bool = False
) -> GateApplication:
    """Send a gate application. Refused after the milestone's date unless the area has an
    extension that has not yet run out; refused when the stage's evidence is missing. Neither
    applies to `imported` history, whose evidence lives in the old records."""

    def sendable(locked):
        # After the table: a gate that cannot be sent says so before whose it is to send.
        require(app_perms.can_act_for_area(actor, locked.area))
        if locked.area.status != AreaStatus.ACTIVE:
            raise ValidationError("This area is no longer active, so it cannot apply for a stage.")
        _check_in_time(locked, occurred_at=occurred_at, imported=imported)
        errors = _sending_errors(locked, imported=imported)
        if errors:
            raise ValidationError(errors)
        return {"submitted_at": happened_at(occurred_at)}

    return transition(
        gate,
        GateStatus.SUBMITTED,
        workflow=GATE,
        actor=actor,
        verb="gate.submitted",
        summary=submission_summary,
        area=lambda locked: locked.area,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        changes=sendable,
    )


@transaction.atomic
def gate_withdraw(
    *, gate: GateApplication, actor, reason: str = "", occurred_at=None, imported: bool = False
) -> GateApplication:
    """Withdraw a gate application before it is decided: by the area's lead organisation, or by a
    programme manager (area_leave withdraws every open one). Withdrawing a sent gate answers the
    call for a decision (applications/workflows.py)."""

    def withdrawn(locked):
        if perms.is_lead_organisation_user(actor):
            require(app_perms.can_act_for_area(actor, locked.area))
        return {"decision_reasons": reason}

    return transition(
        gate,
        GateStatus.WITHDRAWN,
        workflow=GATE,
        actor=actor,
        verb="gate.withdrawn",
        summary=lambda locked: f"{locked.get_target_stage_display()} application withdrawn",
        area=lambda locked: locked.area,
        reason=reason,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        changes=withdrawn,
    )


# --- The decision -----------------------------------------------------------------------------


def area_stage_derive(area: Area) -> str:
    """The stage the area's own decisions put it at: admitted -> Getting Ready; each approved
    gate that moves an area -> that stage. Plan sign-off (another service) moves areas to
    Implementation, so a derived stage never takes an area backwards from where it is."""
    derived = AreaStage.GETTING_READY
    approved = GateApplication.objects.filter(area=area, status=GateStatus.APPROVED).values_list(
        "target_stage", flat=True
    )
    for stage in approved:
        moved = GATE_MOVES_AREA_TO.get(stage)
        if moved and AREA_STAGE_ORDER.index(moved) > AREA_STAGE_ORDER.index(derived):
            derived = moved
    current = Area.objects.values_list("stage", flat=True).get(pk=area.pk)
    if AREA_STAGE_ORDER.index(current) > AREA_STAGE_ORDER.index(derived):
        return current
    return derived


def _decision(reasons, actor, occurred_at) -> dict:
    """The fields every decision on a gate writes besides its status."""
    return {
        "decided_at": happened_at(occurred_at),
        "decided_by": actor,
        "decision_reasons": reasons,
    }


def _approvable_amount(area, gate, amount, extra) -> Decimal:
    """The amount to award, after refusing what cannot be approved: an amount outside the
    stage's range, extra days outside 0 to 5, an area that has left, a second award."""
    if amount is None:
        amount = gate.amount_requested
    amount = _check_amount(area, gate.target_stage, amount, "amount")
    if not Decimal("0") <= extra <= Decimal("5"):
        raise ValidationError({"extra_adviser_days": "Extra adviser days are 0 to 5."})
    if area.status != AreaStatus.ACTIVE:
        raise ValidationError("This area is no longer active.")
    if (
        GateApplication.objects.filter(
            area=area, target_stage=gate.target_stage, status=GateStatus.APPROVED
        )
        .exclude(pk=gate.pk)
        .exists()
    ):
        stage_label = gate.get_target_stage_display()
        raise ValidationError(f"{area.reference} already has an approved {stage_label} gate.")
    return amount


NO_REASONS = "Give the reasons for not approving."
DECISION_TARGETS = {"approve": GateStatus.APPROVED, "reject": GateStatus.REJECTED}


def _rejection_reasons(reasons) -> str:
    """The reasons a rejection is given with, refused when there are none."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": NO_REASONS})
    return reasons


@dataclass(frozen=True)
class DecisionPreview:
    """What deciding a gate would do for one person now, or why it would be refused.
    ``refusal`` is the exception ``gate_decide`` raises for the same reason (a MoveRefused, or a
    ValidationError naming the field at fault); ``amount`` is the grant approving would award."""

    allowed: bool
    reason: str = ""
    amount: Decimal | None = None
    refusal: Exception | None = None


def preview_refused(exc: Exception) -> DecisionPreview:
    reason = exc.reason if isinstance(exc, MoveRefused) else message_for(exc)
    return DecisionPreview(False, reason, refusal=exc)


def gate_decide_preview(
    *,
    gate: GateApplication,
    decision: str,
    actor,
    reasons: str = "",
    amount=None,
    cba_required: bool = False,
    extra_adviser_days=0,
) -> DecisionPreview:
    """The rules ``gate_decide`` applies, in its order, without writing: may this person make
    the move now (the GATE workflow); for an approval, is the amount within the stage's grant
    (the amount requested when none is given), are the extra days 0 to 5, is the area still
    active and has the stage no other approved gate; for a rejection, are there reasons. The
    confirmation page asks it before showing what the decision will do, and the service applies
    the same rules under the locks, so both refuse for the same reason."""
    target = DECISION_TARGETS.get(decision)
    if target is None:
        return preview_refused(ValidationError({"decision": "Choose approve or reject."}))
    refused = GATE.refusal(gate, target, actor)
    if refused is not None:
        return preview_refused(refused)
    allowed, reason = app_perms.can_decide_subject(actor, gate)
    if not allowed:
        return preview_refused(PermissionDenied(reason))
    try:
        if target == GateStatus.REJECTED:
            _rejection_reasons(reasons)
            return DecisionPreview(True)
        awarded = _approvable_amount(gate.area, gate, amount, Decimal(extra_adviser_days or 0))
    except ValidationError as exc:
        return preview_refused(exc)
    return DecisionPreview(True, amount=awarded)


def _approval_effects(area, gate, *, reasons, actor, occurred_at, imported):
    """An approved gate's grant, its stage's adviser days and any extra days, and the area's
    move to the stage the gate leads to."""
    stage_label = gate.get_target_stage_display()
    history = {"actor": actor, "occurred_at": occurred_at, "imported": imported}
    award_stage(
        area=area,
        stage=gate.target_stage,
        amount=gate.amount_approved,
        reason=f"{stage_label} gate approved",
        **history,
    )
    definition = _stage_range(area, gate.target_stage)
    add_adviser_days(
        area=area, days=definition.adviser_days, reason=f"{stage_label} adviser days", **history
    )
    add_adviser_days(
        area=area,
        days=gate.extra_adviser_days,
        reason=f"Extra consultancy days granted at the {stage_label} gate",
        **history,
    )
    derived = area_stage_derive(area)
    if derived != area.stage:
        programme_services.area_move(
            area=area,
            stage=derived,
            summary=f"Moved to {AreaStage(derived).label}: {stage_label} approved",
            reason=reasons,
            **history,
        )


def submission_summary(gate) -> str:
    """The entry's summary of a sent gate application (the bulk importer writes the same)."""
    return (
        f"{gate.get_target_stage_display()} application submitted "
        f"({pounds(gate.amount_requested)} requested)"
    )


def approval_summary(gate, *, cba_required: bool) -> str:
    """The entry's summary of an approved gate (the bulk importer writes the same)."""
    return f"{gate.get_target_stage_display()} approved: {pounds(gate.amount_approved)}" + (
        "; cost benefit analysis required" if cba_required else ""
    )


@transaction.atomic
def gate_approve(
    *,
    gate: GateApplication,
    actor,
    reasons: str = "",
    amount=None,
    cba_required: bool = False,
    extra_adviser_days=0,
    occurred_at=None,
    imported: bool = False,
) -> GateApplication:
    """Approve a submitted gate: award the stage grant through grants (the amount requested
    unless `amount` says otherwise), record whether a cost benefit analysis is required, add the
    stage's adviser days and up to five extra, and move the area to the gate's stage."""
    reasons = (reasons or "").strip()
    extra = Decimal(extra_adviser_days or 0)
    locked = lock(gate)
    area = _lock_area_of(locked)

    def approved(locked):
        return {
            **_decision(reasons, actor, occurred_at),
            "amount_approved": _approvable_amount(area, locked, amount, extra),
            "cba_required": bool(cba_required),
            "extra_adviser_days": extra,
        }

    transition(
        gate,
        GateStatus.APPROVED,
        workflow=GATE,
        locked=locked,
        actor=actor,
        permission=lambda locked: app_perms.can_decide_subject(actor, locked),
        verb="gate.approved",
        summary=lambda locked: approval_summary(locked, cba_required=cba_required),
        area=area,
        reason=reasons,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        data={"cba_required": bool(cba_required), "extra_adviser_days": str(extra)},
        notify=[locked.created_by],
        changes=approved,
    )
    _approval_effects(
        area, locked, reasons=reasons, actor=actor, occurred_at=occurred_at, imported=imported
    )
    return gate


@transaction.atomic
def gate_reject(
    *, gate: GateApplication, reasons: str, actor, occurred_at=None, imported: bool = False
) -> GateApplication:
    """Reject a submitted gate, with reasons. A refused Getting Going gate means the area did not
    progress."""
    reasons = (reasons or "").strip()
    locked = lock(gate)
    area = _lock_area_of(locked)

    def rejected(locked):
        return _decision(_rejection_reasons(reasons), actor, occurred_at)

    transition(
        gate,
        GateStatus.REJECTED,
        workflow=GATE,
        locked=locked,
        actor=actor,
        permission=lambda locked: app_perms.can_decide_subject(actor, locked),
        verb="gate.rejected",
        summary=f"{locked.get_target_stage_display()} application not approved",
        area=area,
        reason=reasons,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        notify=[locked.created_by],
        changes=rejected,
    )
    if locked.target_stage == GateStage.GETTING_GOING:
        programme_services.area_move(
            area=area,
            status=AreaStatus.NOT_PROGRESSED,
            actor=actor,
            summary="Did not progress: Getting Going application not approved",
            reason=reasons,
            occurred_at=occurred_at,
            imported=imported,
        )
    return gate


def gate_decide(
    *,
    gate: GateApplication,
    decision: str,
    reasons: str,
    actor,
    amount=None,
    cba_required: bool = False,
    extra_adviser_days=0,
    occurred_at=None,
    imported: bool = False,
) -> GateApplication:
    """Approve or reject (`decision` is "approve" or "reject"): `gate_approve` or `gate_reject`,
    for callers that hold the decision as data (the decision form, the CRM import, the demo)."""
    history = {"occurred_at": occurred_at, "imported": imported}
    if decision == "approve":
        return gate_approve(
            gate=gate,
            reasons=reasons,
            actor=actor,
            amount=amount,
            cba_required=cba_required,
            extra_adviser_days=extra_adviser_days,
            **history,
        )
    if decision == "reject":
        return gate_reject(gate=gate, reasons=reasons, actor=actor, **history)
    raise ValidationError({"decision": "Choose approve or reject."})
