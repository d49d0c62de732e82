"""Demo plan documents: logic models, a few CBAs, draft and final plans in every workflow state,
peer review assignments and sign-offs.

Document contents are written directly (they are data, not workflow); every move of a plan
(submitting, reviewing, returning, signing off) and every peer review goes through the services,
as the area's own lead organisation member (the demo "lead" user, or the contact demo.areas
created for each organisation) or the demo programme manager and funder officer. An area
whose Getting Going decision asked for a CBA always gets one, so its final plan can be submitted.
Safe to run again: nothing is done if any demo area already has a plan.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from applications import services as app_services
from applications.models import GateApplication, GateStage, GateStatus
from plans import services
from plans.models import (
    BenefitLine,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
    PeerReview,
    PlanVersion,
    ResourcingLine,
)
from plans.selectors import area_requires_cba
from programmes.models import AreaStage, AreaStatus

LOGIC_ROWS = [
    (
        "A part-time link worker; council and NHS staff time; the community centre",
        "Home visits after hospital discharge; a weekly drop-in",
        "200 visits a year; 40 drop-in sessions",
        "Fewer missed appointments; residents know who to call",
        "Fewer emergency readmissions; people stay independent for longer",
        "Readmissions within 30 days; wellbeing score (WEMWBS)",
    ),
    (
        "Volunteer mentors; a room at the youth club; local employers",
        "Mentoring and work tasters for 16 to 24 year olds",
        "30 young people mentored; 20 work tasters",
        "Young people gain confidence and references",
        "More young people in work, education or training",
        "NEET rate in the ward; number of job starts",
    ),
    (
        "Neighbourhood police team; housing officers; residents' group",
        "Joint street walkabouts; a single problem-solving meeting each month",
        "12 walkabouts; 12 joint meetings; repairs logged",
        "Problems are dealt with once, by the right service",
        "Fewer repeat calls; residents feel safer",
        "Repeat calls to police; resident survey on feeling safe",
    ),
]

SECTIONS = {
    "issues_and_why": "{issue} Residents told us in our survey that services do not talk to "
    "each other, and the data from the council and the NHS backs that up.",
    "service_changes": "One shared neighbourhood team, with a named worker for each household, "
    "replacing three separate referral routes.",
    "money_differently": "The council aligns part of its early help budget with the NHS "
    "community services budget for the area; the parish council devolves its small grants pot.",
    "governance": "A partnership board (residents, council, NHS, police) meets monthly and "
    "reports to the local health and wellbeing board.",
    "resourcing": "Staff time from statutory partners, a lottery grant for the link worker, and "
    "volunteer time from the residents' group.",
    "risks": "Partners' budgets are cut; staff turnover; residents lose trust if nothing changes "
    "quickly. We will agree a fallback with each partner.",
    "timetable": "Months 1 to 3: recruit and set up the board. Months 4 to 12: run the new "
    "service and review it every quarter.",
}


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _documents(area, index, author=None, with_cba=False):
    DevelopmentStrategy.objects.update_or_create(
        area=area,
        defaults={
            "issues": area.description or "Services do not join up in the neighbourhood.",
            "evidence_of_need": "Ward profile from the council, NHS readmission data and a "
            "door-to-door survey of 180 households.",
            "who_engaged": "Residents at two open events, the council's neighbourhood team, the "
            "local GP practice and the police safer neighbourhood team.",
            "updated_by": author,
        },
    )
    logic_model, _ = LogicModel.objects.get_or_create(area=area, defaults={"updated_by": author})
    for order, row in enumerate(LOGIC_ROWS[: 1 + index % 3], 1):
        LogicModelRow.objects.create(
            logic_model=logic_model,
            order=order,
            **dict(zip(services.LOGIC_MODEL_FIELDS, row, strict=True)),
        )
    if with_cba:
        _cba(area, author)


def _cba(area, author):
    """A three-year cost benefit analysis with costs and fiscal and social benefits."""
    cba = CostBenefitAnalysis.objects.create(
        area=area,
        discount_rate_pct=area.round.discount_rate_pct,
        notes="Unit costs from the national unit cost database; benefits over three years.",
        updated_by=author,
    )
    CostLine.objects.bulk_create(
        [
            CostLine(
                cba=cba,
                year=0,
                description="Link worker (part-time)",
                amount=Decimal("18000"),
                borne_by="Lottery grant",
            ),
            CostLine(
                cba=cba,
                year=1,
                description="Link worker (part-time)",
                amount=Decimal("18500"),
                borne_by="Council",
            ),
            CostLine(
                cba=cba,
                year=0,
                description="Set-up and training",
                amount=Decimal("4000"),
                borne_by="Programme grant",
            ),
        ]
    )
    BenefitLine.objects.bulk_create(
        [
            BenefitLine(
                cba=cba,
                year=1,
                description="Avoided emergency readmissions",
                amount=Decimal("26000"),
                benefit_type="fiscal",
                agency="NHS",
                evidence_source="Unit cost database 2024: non-elective admission",
                optimism_bias_pct=Decimal("25"),
            ),
            BenefitLine(
                cba=cba,
                year=2,
                description="Avoided emergency readmissions",
                amount=Decimal("28000"),
                benefit_type="fiscal",
                agency="NHS",
                evidence_source="Unit cost database 2024",
                optimism_bias_pct=Decimal("25"),
            ),
            BenefitLine(
                cba=cba,
                year=2,
                description="Improved wellbeing (WELLBY)",
                amount=Decimal("9000"),
                benefit_type="social",
                agency="Residents",
                evidence_source="HM Treasury wellbeing guidance",
                optimism_bias_pct=Decimal("40"),
            ),
        ]
    )


def _plan(area, index, author=None):
    text = {k: v.format(issue=area.description) for k, v in SECTIONS.items()}
    plan = OperationalPlan.objects.create(area=area, updated_by=author, **text)
    plan.budget_arrangements.create(
        kind=["aligned", "pooled", "devolved"][index % 3],
        partner_name=f"{area.local_authority} Council",
        amount=Decimal(15000 + 5000 * (index % 4)),
        description="Early help budget for the neighbourhood",
    )
    year = timezone.localdate().year
    ResourcingLine.objects.bulk_create(
        [
            ResourcingLine(
                plan=plan, source="la_mainstream", year=year, planned_amount=Decimal("15000")
            ),
            ResourcingLine(
                plan=plan, source="external_grants", year=year, planned_amount=Decimal("18000")
            ),
            ResourcingLine(plan=plan, source="in_kind", year=year, planned_amount=Decimal("6000")),
            ResourcingLine(
                plan=plan, source="la_mainstream", year=year + 1, planned_amount=Decimal("20000")
            ),
        ]
    )
    return plan


def _member(organisation):
    """A user who acts for the organisation: its first member."""
    return organisation.memberships.order_by("pk").first().user


def _submit(plan, kind, days_ago, author=None, pm=None):
    """Submit the plan through the services, dated `days_ago`, as a member of the area's lead
    organisation (the final submission releases the held payment there, once)."""
    author = author or _member(plan.area.lead_organisation)
    submit = (
        services.plan_submit_final if kind == PlanVersion.Kind.FINAL else services.plan_submit_draft
    )
    submit(plan=plan, actor=author, occurred_at=_ago(days_ago))
    plan.refresh_from_db()
    return plan.versions.order_by("-number").first()


# What happens to each live Getting Going area's plan, by its position among them.
LIVE_STATES = [
    "draft",  # R2-041: the demo lead user's area, ready to continue in the browser
    "signed_by_pm",
    "final_overdue",
    "draft_submitted",
    "draft_submitted_reviewed",  # R2-045: the demo lead user's second area
    "under_review",
    "returned",
    "final_recent",
    "draft",
    "draft_submitted",
    "under_review",
    "none",
    "final_overdue",
    "draft",
    "none",
    "draft_submitted",
]


def load(ctx=None):
    """Plans for the live round's Getting Going areas in every state, and signed-off plans for
    the areas headed for implementation (the second signature moves them there)."""
    if ctx is None or not ctx.areas:
        return ctx
    if OperationalPlan.objects.filter(area__in=ctx.areas).exists():
        return ctx
    _live_plans(ctx)
    _signed_plans(ctx)
    for area in ctx.areas:
        area.refresh_from_db(fields=["stage", "status", "updated_at"])
    return ctx


def _live_plans(ctx):
    """Each live Getting Going area's plan goes as far as LIVE_STATES says."""
    pm, lead = ctx.users["pm"], ctx.users["lead"]
    lead_org_ids = set(lead.memberships.values_list("organisation_id", flat=True))
    live_gg = [
        a
        for a in ctx.areas
        if a.round_id == ctx.live_round.pk
        and ctx.target_stage(a) == AreaStage.GETTING_GOING
        and a.status == AreaStatus.ACTIVE
    ]
    reviewers = [a.lead_organisation for a in ctx.areas if a.round_id == ctx.live_round.pk]
    for index, area in enumerate(live_gg):
        state = LIVE_STATES[index % len(LIVE_STATES)]
        if state == "none":
            continue
        author = lead if area.lead_organisation_id in lead_org_ids else None
        _documents(area, index, author, with_cba=index % 3 == 1 or area_requires_cba(area))
        plan = _plan(area, index, author)
        if state == "draft":
            continue
        _submit(plan, PlanVersion.Kind.DRAFT, 60, author, pm)
        if state.startswith("draft_submitted"):
            _peer_review(plan, index, state, author, pm, reviewers, lead_org_ids)
            continue
        days = {"final_overdue": 130, "final_recent": 12}.get(state, 40)
        _submit(plan, PlanVersion.Kind.FINAL, days, author, pm)
        if state in ("final_overdue", "final_recent"):
            continue
        services.plan_start_review(plan=plan, actor=pm)
        if state == "returned":
            services.plan_return(
                plan=plan,
                actor=pm,
                comments={
                    "risks": "Say what happens if the council's early help budget is cut.",
                    "resourcing_lines": "Add the NHS contribution you mention in the text.",
                },
            )
        elif state == "signed_by_pm":
            services.plan_sign_off(
                plan=plan, actor=pm, comment="Strong plan; ready for the funder."
            )


def _peer_review(plan, index, state, author, pm, reviewers, lead_org_ids):
    """Two other lead organisations are asked to review the submitted draft; one has replied
    when the state ends in "reviewed"."""
    area = plan.area
    others = [o for o in reviewers if o.pk != area.lead_organisation_id]
    # The demo lead user's organisation reviews others' drafts, so "Peer reviews" has work.
    mine = [] if author else [o for o in others if o.pk in lead_org_ids][:1]
    chosen = mine + [o for o in others[index:] if o.pk not in lead_org_ids][:2]
    assignments = services.peer_review_assign(
        plan=plan,
        reviewer_organisations=chosen[:2],
        actor=pm,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    if state.endswith("reviewed"):
        # Declared first: a peer reviewer with no conflict of interest (GovS 015, issue 23).
        app_services.peer_conflict_declare(
            assignment=assignments[-1],
            actor=_member(assignments[-1].reviewer_organisation),
            declaration="none",
        )
        services.peer_review_submit(
            assignment=assignments[-1],
            actor=_member(assignments[-1].reviewer_organisation),
            strengths="A clear case for change, backed by the survey.",
            suggestions="Say who will pay for the link worker after the first year.",
            questions="Has the NHS agreed to share readmission data every quarter?",
            overall_rating=PeerReview.Rating.GOOD,
        )


def _signed_plans(ctx):
    """Areas headed for implementation (or beyond) have their plans signed off by both parties,
    on dates after they joined; the second signature moves them to implementation."""
    pm, funder = ctx.users["pm"], ctx.users["funder"]
    signed = [
        a
        for a in ctx.areas
        if ctx.target_stage(a) in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)
    ]
    for index, area in enumerate(signed):
        _documents(area, index, with_cba=index % 4 == 0 or area_requires_cba(area))
        plan = _plan(area, index)

        # The plan follows the Getting Going decision: draft a month on, final three weeks
        # later, signed off about three weeks after that (never later than yesterday).
        decided = timezone.localdate(
            GateApplication.objects.get(
                area=area, target_stage=GateStage.GETTING_GOING, status=GateStatus.APPROVED
            ).decided_at
        )

        def days_ago(after_decision, decided=decided):
            day = decided + datetime.timedelta(days=after_decision)
            return max((timezone.localdate() - day).days, 1)

        _submit(plan, PlanVersion.Kind.DRAFT, days_ago(30), pm=pm)
        plan.risks += " We will review the risk register every quarter."
        plan.save()
        _submit(plan, PlanVersion.Kind.FINAL, days_ago(50), pm=pm)
        services.plan_start_review(plan=plan, actor=pm, occurred_at=_ago(days_ago(52)))
        first, second = (
            (pm, funder)
            if index % 2 == 0 or area.round.sign_off_order == "sequential"
            else (funder, pm)
        )
        services.plan_sign_off(plan=plan, actor=first, occurred_at=_ago(days_ago(65)))
        services.plan_sign_off(plan=plan, actor=second, occurred_at=_ago(days_ago(70)))
