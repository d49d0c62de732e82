"""What one new record writes, built in memory as its services would write it (a `Story`): the
application, the area, the grants and their payments and offers, adviser days, the Getting Going
gate and the final plan with its versions and sign-offs. The money follows the grants' own
rules (``split_schedule``, ``RELEASE_CONDITION_FOR_STAGE``, imported history recorded as paid),
and every status is the end of a workflow path (`paths`)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationTheme, GateApplication, GateStage
from applications.services.gates import GATE_MOVES_AREA_TO
from grants.models import FINAL_PLAN_SUBMITTED, Award, Payment
from grants.offers.models import GrantOffer
from grants.offers.services import IMPORTED_ACCEPTANCE
from grants.services import (
    IMPORTED_PAYMENT_REFERENCE,
    PENNY,
    RELEASE_CONDITION_FOR_STAGE,
    split_schedule,
)
from plans.models import OperationalPlan, PlanVersion, SectionComment, SignOff, SignOffParty
from programmes.models import (
    AREA_STAGE_ORDER,
    Area,
    AreaStage,
    AreaStatus,
    AreaTheme,
    Organisation,
    Stage,
)
from support.models import AdviserEntitlement

from ..reading import Record
from ..steps import (
    GATE_SUMMARY,
    NOT_APPROVED_REASON,
    PLACEHOLDER,
    REJECTED_REASON,
    RETURNED_COMMENT,
    WITHDRAWN_REASON,
    at,
    gate_day,
)
from . import paths


@dataclass
class Grant:
    """An award with its schedule and offer, and what its adviser days add."""

    award: Award
    payments: list
    offer: GrantOffer
    entitlement: AdviserEntitlement | None
    when: datetime.datetime


@dataclass
class Story:
    record: Record
    org: Organisation
    contact: User
    new_org: bool
    application: Application
    area: Area | None = None
    grants: list = field(default_factory=list)
    gate: GateApplication | None = None
    plan: OperationalPlan | None = None
    versions: list = field(default_factory=list)
    signoffs: list = field(default_factory=list)
    comment: SectionComment | None = None
    released: list = field(default_factory=list)
    # Where the area went after its gate and its plan (area.moved entries), in order.
    moves: list = field(default_factory=list)


def _grant(*, area, definition, when, reason) -> Grant:
    """`award_grant` for imported history: the advance paid on the award date, any retention
    held until its release condition, the offer accepted before Our Place."""
    stage = definition.stage
    amount = Decimal(definition.grant_max).quantize(PENNY)
    awarded_on = timezone.localdate(when)
    award = Award(
        area=area,
        stage=stage,
        amount=amount,
        awarded_on=awarded_on,
        reason=reason,
        imported=True,
        total_scheduled=amount,
    )
    advance, retention = split_schedule(
        amount=amount, advance_share_pct=definition.advance_share_pct
    )
    payments = []
    if advance > 0:
        payments.append(
            Payment(
                award=award,
                kind=Payment.Kind.ADVANCE,
                amount=advance,
                due_on=awarded_on,
                status=Payment.Status.PAID,
                paid_on=awarded_on,
                reference=IMPORTED_PAYMENT_REFERENCE,
            )
        )
    if retention > 0:
        payments.append(
            Payment(
                award=award,
                kind=Payment.Kind.RETENTION,
                amount=retention,
                status=Payment.Status.HELD,
                release_condition=RELEASE_CONDITION_FOR_STAGE.get(stage, FINAL_PLAN_SUBMITTED),
            )
        )
    offer = GrantOffer(
        award=award,
        version=1,
        amount=amount,
        imported=True,
        issued_at=when,
        status=GrantOffer.Status.ACCEPTED,
        accepted_at=when,
        accepted_name=IMPORTED_ACCEPTANCE,
    )
    days = Decimal(definition.adviser_days or 0)
    entitlement = None
    if days > 0:
        entitlement = AdviserEntitlement(
            area=area,
            days=days,
            reason=f"{Stage(stage).label} adviser days",
            granted_at=when,
            imported=True,
        )
    return Grant(award, payments, offer, entitlement, when)


def story(ctx, record: Record, org, contact, new_org: bool, definitions: dict) -> Story:
    """The record's application and, when it was admitted, its area and what followed."""
    when = at(record.applied_on)
    outcome = record.application_outcome
    application = Application(
        round=ctx.round,
        applicant=contact,
        organisation=org,
        area_name=record.area_name,
        local_authority=record.local_authority,
        approach=record.approach,
        issues=PLACEHOLDER,
        services_involved=PLACEHOLDER,
        expected_outcomes=PLACEHOLDER,
        status=paths.end(paths.APPLICATION_PATHS[outcome]),
        submitted_at=when,
        decided_at=None if outcome == "withdrawn" else when,
        decision_reasons={"withdrawn": WITHDRAWN_REASON, "rejected": REJECTED_REASON}.get(
            outcome, ""
        ),
    )
    told = Story(record=record, org=org, contact=contact, new_org=new_org, application=application)
    if outcome == "admitted":
        told.area = Area(
            reference=record.reference,
            name=record.area_name,
            local_authority=record.local_authority,
            lead_organisation=org,
            round=ctx.round,
            approach=record.approach,
            joined_on=timezone.localdate(when),
            description=PLACEHOLDER,
        )
        application.area = told.area
        told.grants.append(
            _grant(
                area=told.area,
                definition=definitions[Stage.GETTING_READY],
                when=when,
                reason="Getting Ready grant on admission",
            )
        )
        _gate(ctx, told, definitions)
        _plan(ctx, told)
    return told


def _gate(ctx, told: Story, definitions: dict) -> None:
    """The Getting Going gate as `gate_create`, `gate_submit` and the decision write it."""
    record, area = told.record, told.area
    wanted = record.getting_going_outcome
    if not wanted:
        return
    definition = definitions[Stage.GETTING_GOING]
    when = at(gate_day(ctx, record))
    amount = definition.grant_max
    gate = told.gate = GateApplication(
        area=area,
        target_stage=GateStage.GETTING_GOING,
        milestone=ctx.milestone,
        amount_requested=amount,
        summary=GATE_SUMMARY,
        created_by=told.contact,
        status=paths.end(paths.GATE_PATHS[wanted]),
        submitted_at=when,
    )
    if wanted == "withdrawn":
        gate.decision_reasons = WITHDRAWN_REASON
        return
    gate.decided_at = when
    if wanted == "rejected":
        gate.decision_reasons = NOT_APPROVED_REASON
        area.status = AreaStatus.NOT_PROGRESSED
        told.moves.append("gate_rejected")
        return
    gate.amount_approved = amount
    gate.cba_required = bool(record.cba_required)
    told.grants.append(
        _grant(
            area=area,
            definition=definition,
            when=when,
            reason=f"{gate.get_target_stage_display()} gate approved",
        )
    )
    moved = GATE_MOVES_AREA_TO.get(gate.target_stage)
    if moved and moved != area.stage:
        area.stage = moved
        told.moves.append("gate_approved")


def _plan(ctx, told: Story) -> None:
    """The final plan as `plan_save`, the two submissions and the decision write it."""
    record, area = told.record, told.area
    if record.plan_submitted_on is None:
        return
    submitted = at(record.plan_submitted_on)
    status = paths.end(paths.PLAN_PATHS[record.plan_outcome])
    plan = told.plan = OperationalPlan(
        area=area,
        status=status,
        version_number=2,
        issues_and_why=PLACEHOLDER,
        submitted_by=told.contact,
        submitted_at=submitted,
        final_submitted_at=submitted,
        retention_released_at=submitted,
        updated_by=told.contact,
    )
    told.versions = [
        PlanVersion(
            plan=plan, number=n, kind=kind, submitted_by=told.contact, submitted_at=submitted
        )
        for n, kind in ((1, PlanVersion.Kind.DRAFT), (2, PlanVersion.Kind.FINAL))
    ]
    for grant in told.grants:
        for payment in grant.payments:
            if (
                payment.status == Payment.Status.HELD
                and payment.release_condition == FINAL_PLAN_SUBMITTED
            ):
                payment.status = Payment.Status.PAID
                payment.released_at = submitted
                payment.due_on = payment.paid_on = timezone.localdate(submitted)
                payment.reference = IMPORTED_PAYMENT_REFERENCE
                told.released.append(payment)
    if not record.plan_outcome:
        return
    decided = at(record.plan_decided_on)
    plan.decided_at = decided
    if record.plan_outcome == "approved":
        told.signoffs = [
            SignOff(plan=plan, party=party, signed_at=decided, imported=True)
            for party in (SignOffParty.PROGRAMME_MANAGER, SignOffParty.FUNDER)
        ]
        if _before(area.stage, AreaStage.IMPLEMENTATION):
            area.stage = AreaStage.IMPLEMENTATION
            told.moves.append("signed_off")
    elif record.plan_outcome == "not approved":
        plan.decision_reason = NOT_APPROVED_REASON
        area.status = AreaStatus.NOT_PROGRESSED
        told.moves.append("not_approved")
    else:
        told.comment = SectionComment(
            plan=plan, version=told.versions[-1], section="general", comment=RETURNED_COMMENT
        )


def _before(stage: str, other: str) -> bool:
    return AREA_STAGE_ORDER.index(stage) < AREA_STAGE_ORDER.index(other)


def themes_of(stories) -> tuple[list, list]:
    """The applications' and the areas' theme rows, in the order the records give them."""
    app_rows, area_rows = [], []
    for s in stories:
        for i, theme in enumerate(s.record.themes, 1):
            app_rows.append(ApplicationTheme(application=s.application, theme=theme, position=i))
            if s.area is not None:
                area_rows.append(AreaTheme(area=s.area, theme=theme, position=i))
    return app_rows, area_rows
