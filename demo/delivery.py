"""Demo delivery records for areas in implementation or Making it Happen: return schedules with a
mix of submitted, due and overdue returns (with obstacles and enablers), funding secured against
the planned resourcing lines (some more, some less, some none), CBA outturn for areas with a CBA,
and match-funding commitments in every state for Making it Happen areas.

Everything goes through the services, as the demo lead user for their own areas and as the demo
programme manager for the others. Safe to run again: nothing is done once any demo area has a
funding record or a submitted return.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from applications import services as app_services
from applications.models import GateStage
from delivery import services
from delivery.comparisons import add_months
from delivery.models import (
    Arrangement,
    BodyType,
    Factor,
    FactorKind,
    FundingRecord,
    ProgressReturn,
    ProgressStatus,
    ReturnStatus,
)
from delivery.workflows import SENT_STATUSES
from plans.models import CostBenefitAnalysis, ResourcingLine
from programmes.models import AreaStage, AreaStatus, Milestone

from .context import at

STATUSES = [
    ProgressStatus.ON_SCHEDULE,
    ProgressStatus.BEHIND,
    ProgressStatus.AHEAD,
    ProgressStatus.ON_SCHEDULE,
    ProgressStatus.NOT_STARTED,
]
OBSTACLES = [
    [Factor.STAFF_SKILLS, Factor.FUNDING_SECURED],
    [Factor.STATUTORY_PARTNERS],
    [Factor.MANAGEMENT, Factor.OTHER],
]
ENABLERS = [
    [Factor.RESIDENTS, Factor.LEADERSHIP],
    [Factor.STATUTORY_PARTNERS, Factor.GOVERNANCE],
    [Factor.VCS_PARTNERS, Factor.PLAN_STRENGTH, Factor.OTHER],
]
ACHIEVEMENTS = [
    "The partnership board met every month; the link worker is in post and taking referrals.",
    "Ran 12 drop-in sessions; the council agreed to share its referral data.",
    "Recruited eight volunteer mentors; first work tasters with two local employers.",
]
FUNDERS = {
    "la_mainstream": ("Leeds City Council", Arrangement.ALIGNED),
    "la_other": ("Leeds City Council", Arrangement.NONE),
    "statutory_pooled": ("NHS West Yorkshire ICB", Arrangement.POOLED),
    "statutory_other": ("West Yorkshire Police", Arrangement.NONE),
    "commissioned": ("Adult social care commissioning", Arrangement.NONE),
    "external_grants": ("National Lottery Community Fund", Arrangement.NONE),
    "programme": ("Our Place programme", Arrangement.NONE),
    "in_kind": ("Residents' association", Arrangement.NONE),
}
# Secured as a share of planned, by line: more, as planned, less, none.
SHARES = [Decimal("1.25"), Decimal("1"), Decimal("0.6"), None]
COMMITMENTS = [
    ("Leeds City Council", BodyType.LOCAL_AUTHORITY, Decimal("40000"), "received"),
    ("NHS West Yorkshire ICB", BodyType.NHS, Decimal("25000"), "confirmed"),
    ("West Yorkshire Police", BodyType.POLICE, Decimal("8000"), "committed"),
    ("Leeds Federated Housing", BodyType.OTHER_PUBLIC, Decimal("5000"), "withdrawn"),
]


def _factors(status, index):
    if status in (ProgressStatus.BEHIND, ProgressStatus.NOT_STARTED):
        kind, chosen = FactorKind.OBSTACLE, OBSTACLES[index % len(OBSTACLES)]
    else:
        kind, chosen = FactorKind.ENABLER, ENABLERS[index % len(ENABLERS)]
    other = (
        "Delays in data-sharing agreements"
        if kind == FactorKind.OBSTACLE
        else "A local councillor championing the work"
    )
    return [
        {"factor": f, "kind": kind, "other_text": other if f == Factor.OTHER else ""}
        for f in chosen
    ]


def _reviews(sent, index, reviewer):
    """Staff have accepted the older returns; the latest one is, by turns, waiting for review,
    sent back with changes requested, or accepted."""
    for n, r in enumerate(sent):
        latest = n == len(sent) - 1
        if latest and index % 3 == 0:
            continue
        if latest and index % 3 == 1:
            services.return_review(
                progress_return=r,
                actor=reviewer,
                decision="changes_requested",
                note="Thank you: two things to add before we accept it.",
                comments={
                    "achievements": "How many residents took part in the activities you list?",
                    "resources": "Which mainstream resources are in place, and from whom?",
                },
            )
            continue
        services.return_review(progress_return=r, actor=reviewer, decision="accepted")


def _returns(area, index, actor, today, reviewer):
    starts_on = min(services.implementation_started_on(area), today)
    months = area.round.return_interval_months
    if index % 2 == 0 and add_months(starts_on, months) > today:
        # A recently signed-off area: start it one period and ten days ago, so its first return
        # is due (not yet overdue) and the list shows every state.
        starts_on = add_months(today - datetime.timedelta(days=10), -months)
    returns = services.returns_schedule(area=area, starts_on=starts_on)
    ended = [r for r in returns if r.period_end < today]
    # Leave the latest one or two unsent so the list has due and overdue returns.
    keep_open = index % 3
    to_submit = ended[: len(ended) - keep_open] if keep_open else ended
    for n, r in enumerate(to_submit):
        status = STATUSES[(index + n) % len(STATUSES)]
        services.return_save(
            progress_return=r,
            actor=actor,
            progress_status=status,
            milestones_met="Quarterly review held; actions agreed with partners.",
            achievements=ACHIEVEMENTS[(index + n) % len(ACHIEVEMENTS)],
            steering_group_meeting=n > 0 or index % 2 == 0,
            mainstream_resources=(index + n) % 3 != 0,
            paid_staff=n > 0,
            service_users_reached=20 + 15 * n + index,
            factors=_factors(status, index + n),
        )
        services.return_submit(progress_return=r, actor=actor, today=today)
        # Most returns arrive within the window; every fourth one a little late.
        sent = r.period_end + datetime.timedelta(days=40 if (index + n) % 4 == 3 else 18)
        ProgressReturn.objects.filter(pk=r.pk).update(
            submitted_at=timezone.make_aware(
                datetime.datetime.combine(min(sent, today), datetime.time(10, 30))
            )
        )
    _reviews(to_submit, index, reviewer)
    # One draft half filled in, so the form has something in it.
    open_ones = [r for r in ended if r.status == ReturnStatus.DRAFT and r not in to_submit]
    if open_ones and index % 2 == 0:
        services.return_save(
            progress_return=open_ones[-1],
            actor=actor,
            progress_status=ProgressStatus.BEHIND,
            achievements="Started the second cohort of volunteers.",
            factors=_factors(ProgressStatus.BEHIND, index),
        )


def _funding(area, index, actor):
    lines = list(ResourcingLine.objects.filter(plan__area=area).order_by("year", "source"))
    for n, line in enumerate(lines):
        share = SHARES[(index + n) % len(SHARES)]
        if share is None:
            continue
        funder, arrangement = FUNDERS.get(line.source, ("Local funder", Arrangement.NONE))
        services.funding_record_save(
            area=area,
            actor=actor,
            source=line.source,
            year=line.year,
            amount=(line.planned_amount * share).quantize(Decimal("0.01")),
            funder_name=funder,
            arrangement=arrangement,
            notes="Letter of award on file." if n % 2 == 0 else "",
        )
    if lines and index % 3 == 0:
        # Money the plan did not expect.
        services.funding_record_save(
            area=area,
            actor=actor,
            source="external_grants",
            year=lines[0].year,
            amount=Decimal("4500"),
            funder_name="Community Foundation for Leeds",
            notes="Small grant for the volunteer programme.",
        )


def _outturn(area, index, actor, cba):
    for n, cost in enumerate(cba.costs.filter(year__lte=1)):
        factor = [Decimal("1.1"), Decimal("0.95"), Decimal("1.3")][(index + n) % 3]
        services.outturn_line_save(
            area=area,
            actor=actor,
            kind="cost",
            cost_line=cost,
            actual_amount=(cost.amount * factor).quantize(Decimal("0.01")),
        )
    for n, benefit in enumerate(cba.benefits.filter(year__lte=1)):
        factor = [Decimal("0.7"), Decimal("1.05"), Decimal("0.85")][(index + n) % 3]
        services.outturn_line_save(
            area=area,
            actor=actor,
            kind="benefit",
            benefit_line=benefit,
            actual_amount=(benefit.amount * factor).quantize(Decimal("0.01")),
            notes="From partners' quarterly data." if n == 0 else "",
        )
    if index % 2 == 0:
        services.outturn_line_save(
            area=area,
            actor=actor,
            kind="cost",
            year=1,
            description="Venue hire after the community centre closed for repairs",
            actual_amount=Decimal("2400"),
        )


def _apply_for_making_it_happen(area, pm, today):
    """The lead organisation applies for Making it Happen about a hundred days into
    implementation, before the round's milestone, and the programme manager approves it (which
    awards the grant and moves the area), through the stage-gate services."""
    milestone = area.round.milestones.get(kind=Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION)
    applicant = area.lead_organisation.memberships.order_by("pk").first().user
    submitted_on = min(
        services.implementation_started_on(area) + datetime.timedelta(days=100),
        milestone.due_on - datetime.timedelta(days=5),
        today - datetime.timedelta(days=30),
    )
    gate = app_services.gate_create(
        area=area,
        actor=applicant,
        target_stage=GateStage.MAKING_IT_HAPPEN,
        milestone=milestone,
        summary="A year of delivery behind us and the partners' money lined up for the next two.",
        occurred_at=at(submitted_on),
    )
    app_services.gate_submit(gate=gate, actor=applicant, occurred_at=at(submitted_on))
    app_services.gate_decide(
        gate=gate,
        decision="approve",
        reasons="Statutory partners have committed match funding in writing.",
        actor=pm,
        occurred_at=at(submitted_on + datetime.timedelta(days=14)),
    )
    area.refresh_from_db()


def _making_it_happen(area, actor, pm, today):
    services.mih_application_save(
        area=area,
        actor=actor,
        sustainability_plan="The council will commission the link-worker service from the "
        "second year, paid from its early help budget; the NHS pays for the drop-in sessions "
        "through its community services contract. Match funding below covers the first two "
        "years while the contracts are let.",
    )
    for n, (body, body_type, amount, state) in enumerate(COMMITMENTS):
        commitment = services.commitment_add(
            area=area,
            actor=actor,
            public_body=body,
            body_type=body_type,
            amount=amount,
            expected_payment_on=today + datetime.timedelta(days=365 - 120 * n),
        )
        if state in ("confirmed", "received"):
            services.commitment_confirm(commitment=commitment, actor=pm)
        if state == "received":
            services.commitment_receive(
                commitment=commitment,
                actor=actor,
                received_on=today - datetime.timedelta(days=20),
                received_amount=amount,
            )
        if state == "withdrawn":
            services.commitment_withdraw(
                commitment=commitment,
                actor=actor,
                reason="The housing association's board did not approve the spend this year.",
            )


def load(ctx=None):
    if ctx is None or not ctx.areas:
        return ctx
    areas = [
        a
        for a in ctx.areas
        if a.stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)
        and a.status == AreaStatus.ACTIVE
    ]
    if not areas:
        return ctx
    if (
        FundingRecord.objects.filter(area__in=areas).exists()
        or ProgressReturn.objects.filter(area__in=areas, status__in=SENT_STATUSES).exists()
    ):
        return ctx
    pm, lead = ctx.users["pm"], ctx.users["lead"]
    lead_org_ids = set(lead.memberships.values_list("organisation_id", flat=True))
    today = timezone.localdate()
    cbas = {c.area_id: c for c in CostBenefitAnalysis.objects.filter(area__in=areas)}
    for index, area in enumerate(areas):
        area.refresh_from_db()
        actor = lead if area.lead_organisation_id in lead_org_ids else pm
        _returns(area, index, actor, today, pm)
        _funding(area, index, actor)
        if area.pk in cbas:
            _outturn(area, index, actor, cbas[area.pk])
        if ctx.target_stage(area) == AreaStage.MAKING_IT_HAPPEN:
            if area.stage == AreaStage.IMPLEMENTATION:
                _apply_for_making_it_happen(area, pm, today)
            _making_it_happen(area, actor, pm, today)
    ctx.created = True
    return ctx
