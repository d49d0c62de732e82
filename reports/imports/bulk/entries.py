"""The activity entries a new record's services would have written, in their order, with the
same verbs, wording, targets, dates and data: appended to the hash chains in one go by
`activity_record_many`. Decisions the import's programme manager and funder made name no user
(imported history), as `steps.settle_history` leaves the services' entries."""

from decimal import Decimal

from activity.models import Visibility
from activity.services import activity_entry
from applications.services.gates import (
    GATE_MOVES_AREA_TO,
    approval_summary,
    submission_summary,
)
from grants.summaries import award_summary, retention_summary
from plans.services.review import section_label
from programmes.models import AreaStage
from support.services import days_label

from ..steps import RETURNED_COMMENT
from .build import Story

AREA = Visibility.AREA
MOVES = {
    "gate_approved": "Moved to {stage}: {gate} approved",
    "gate_rejected": "Did not progress: Getting Going application not approved",
    "signed_off": "Plan signed off: the area is now in implementation",
    "not_approved": "Did not progress: operational plan not approved",
}


def _e(**kwargs):
    return activity_entry(imported=kwargs.pop("imported", True), **kwargs)


def application_entries(s: Story) -> list:
    """The programme chain's entries: the organisation (when this record made it) and the
    application up to its decision (an admission is on the area's chain)."""
    app, name, who = s.application, s.application.area_name, s.contact
    when = app.submitted_at
    out = []
    if s.new_org:
        out.append(
            _e(
                verb="organisation.created",
                summary=f"{s.org.name} added to the programme",
                target=s.org,
                imported=False,
                data={"fields": ["name", "org_type"], "partner_of": None},
            )
        )
    out.append(
        _e(
            verb="application.created",
            summary=f"Application started for {name}",
            actor=who,
            target=app,
        )
    )
    out.append(
        _e(
            verb="application.submitted",
            actor=who,
            target=app,
            occurred_at=when,
            summary=f"Application for {name} submitted to {app.round.name}",
        )
    )
    if app.status == "withdrawn":
        out.append(
            _e(
                verb="application.withdrawn",
                summary=f"Application for {name} withdrawn",
                actor=who,
                reason=app.decision_reasons,
                target=app,
                occurred_at=when,
            )
        )
        return out
    out.append(
        _e(
            verb="application.assessment_started",
            summary=f"Assessment started for {name}",
            target=app,
            occurred_at=when,
        )
    )
    if app.status == "rejected":
        out.append(
            _e(
                verb="application.rejected",
                summary=f"Application for {name} not admitted",
                reason=app.decision_reasons,
                target=app,
                occurred_at=when,
            )
        )
    return out


def grant_entries(s: Story, grant) -> list:
    award = grant.award
    advance = sum((p.amount for p in grant.payments if p.kind == "advance"), Decimal("0"))
    retention = award.amount - advance
    held = [p for p in grant.payments if p.kind == "retention"]
    out = [
        _e(
            verb="grant.awarded",
            summary=award_summary(
                stage=award.stage,
                amount=award.amount,
                advance=advance,
                retention=retention,
                condition=held[0].release_condition if held else "",
                awarded_on=award.awarded_on,
                imported=True,
            ),
            area=s.area,
            reason=award.reason,
            visibility=AREA,
            target=award,
            occurred_at=grant.when,
            data={"stage": award.stage, "amount": str(award.amount), "advance": str(advance)},
        )
    ]
    if (days := grant.entitlement) is not None:
        out.append(
            _e(
                verb="support.entitlement_added",
                summary=f"{days_label(days.days)} adviser days added to {s.area.reference}: "
                f"{days.reason}",
                area=s.area,
                visibility=AREA,
                target=days,
                occurred_at=grant.when,
                data={"days": str(days.days)},
            )
        )
    return out


def _move(s: Story, kind: str, when, reason: str = "") -> object:
    summary = MOVES[kind]
    if kind == "gate_approved":
        stage = AreaStage(GATE_MOVES_AREA_TO[s.gate.target_stage]).label
        summary = summary.format(stage=stage, gate=s.gate.get_target_stage_display())
    return _e(
        verb="area.moved",
        summary=summary,
        area=s.area,
        reason=reason,
        visibility=AREA,
        occurred_at=when,
    )


def gate_entries(s: Story) -> list:
    gate, area, who = s.gate, s.area, s.contact
    if gate is None:
        return []
    stage, when = gate.get_target_stage_display(), gate.submitted_at
    on = {"area": area, "target": gate, "occurred_at": when}
    out = [
        _e(verb="gate.created", summary=f"{stage} application started", actor=who, **on),
        _e(
            verb="gate.submitted",
            actor=who,
            visibility=AREA,
            **on,
            summary=submission_summary(gate),
        ),
    ]
    if gate.status == "withdrawn":
        out.append(
            _e(
                verb="gate.withdrawn",
                summary=f"{stage} application withdrawn",
                actor=who,
                reason=gate.decision_reasons,
                visibility=AREA,
                **on,
            )
        )
    elif gate.status == "rejected":
        out.append(
            _e(
                verb="gate.rejected",
                summary=f"{stage} application not approved",
                reason=gate.decision_reasons,
                visibility=AREA,
                **on,
            )
        )
        out.append(_move(s, "gate_rejected", when, gate.decision_reasons))
    else:
        out.append(
            _e(
                verb="gate.approved",
                summary=approval_summary(gate, cba_required=bool(gate.cba_required)),
                visibility=AREA,
                **on,
                data={
                    "cba_required": bool(gate.cba_required),
                    "extra_adviser_days": str(Decimal(0)),
                },
            )
        )
        out += grant_entries(s, s.grants[1])
        if "gate_approved" in s.moves:
            out.append(_move(s, "gate_approved", when))
    return out


def plan_entries(s: Story) -> list:
    plan, area, who = s.plan, s.area, s.contact
    if plan is None:
        return []
    on = {"area": area, "visibility": AREA}
    sent = plan.final_submitted_at
    out = [
        _e(
            verb="plan.saved",
            summary="Operational plan started",
            actor=who,
            target=plan,
            occurred_at=sent,
            **on,
        ),
        _e(
            verb="plan.draft_submitted",
            summary="Draft operational plan submitted (version 1)",
            actor=who,
            target=plan,
            occurred_at=sent,
            **on,
        ),
    ]
    released = [p.pk for p in s.released]
    if s.released:
        condition = s.released[0].release_condition
        out.append(
            _e(
                verb="grant.retention_released",
                actor=who,
                occurred_at=sent,
                **on,
                summary=retention_summary(released=s.released, condition=condition, imported=True),
                data={"payments": released, "condition": condition},
            )
        )
    out.append(
        _e(
            verb="plan.final_submitted",
            summary="Final operational plan submitted (version 2)",
            actor=who,
            target=plan,
            occurred_at=sent,
            data={"released_payments": released},
            **on,
        )
    )
    return out + decision_entries(s)


def decision_entries(s: Story) -> list:
    plan, outcome = s.plan, s.record.plan_outcome
    if not outcome:
        return []
    on = {"area": s.area, "visibility": AREA, "target": plan, "occurred_at": plan.decided_at}
    out = [
        _e(verb="plan.review_started", summary="Review of the final operational plan started", **on)
    ]
    if outcome == "approved":
        out.append(
            _e(verb="plan.signed", **on, summary="Operational plan signed by the programme manager")
        )
        out.append(
            _e(verb="plan.signed_off", **on, summary="Operational plan signed off by both parties")
        )
        if "signed_off" in s.moves:
            out.append(_move(s, "signed_off", plan.decided_at))
    elif outcome == "not approved":
        reason = plan.decision_reason
        out.append(
            _e(
                verb="plan.not_approved",
                summary="Operational plan not approved",
                reason=reason,
                **on,
            )
        )
        out.append(_move(s, "not_approved", plan.decided_at, reason))
    else:
        out.append(
            _e(
                verb="plan.returned",
                summary="Operational plan returned for changes",
                reason=f"{section_label('general')}: {RETURNED_COMMENT}",
                **on,
            )
        )
    return out


def story_entries(s: Story) -> list:
    """Every entry of one record, in the order its services would write them."""
    out = application_entries(s)
    if s.area is None:
        return out
    out.append(
        _e(
            verb="application.admitted",
            summary=f"Admitted to {s.area.round.name}: {s.area.name} starts at Getting Ready",
            area=s.area,
            visibility=AREA,
            target=s.application,
            occurred_at=s.application.decided_at,
            data={"partners": []},
        )
    )
    out += grant_entries(s, s.grants[0])
    return out + gate_entries(s) + plan_entries(s)
