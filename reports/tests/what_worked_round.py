"""A small round for What worked whose every figure is worked out by hand.

Eight areas: five led by the community group (VCS x3: A1-A3, parish council x2: A4-A5) and three
by the public group (local authority x2: B1-B2, other public service: B3).

Community (n=5):
  adviser days delivered: A1 2.0, A2 1.0, A4 0.5 (A3 has a planned day only, not counted)
      -> 3.5 / 5 = 0.7 an area
  contacts: A1 3 (one of them CBA support), A2 1 -> 4 / 5 = 0.8
  events attended: A1 1 (A2 invited, did not attend) -> 1 / 5 = 0.2
  peer reviews: A2's and B1's organisations reviewed A1's plan -> community given 1 / 5 = 0.2,
      received 2 / 5 = 0.4 (public given 1 / 3: suppressed)
  stages: A1, A2 implementation; A3 Getting Going; A4 Getting Ready; A5 Getting Ready, withdrawn
      reached Getting Going 3/5 = 60%; reached implementation 2/5 = 40%;
      left 1/5 = 20%, withdrew 20%, did not progress 0%
  returns (all five sent): A1 ahead, A2 on schedule, A3 behind, A4 behind, A5 not started
      on schedule or ahead 2/5 = 40%
      obstacle "staff skills": A3, A4 -> 2 of 5; obstacle "funding secured": A4 -> 1 of 5;
      enabler "leadership": A1 -> 1 of 5
Public (n=3): every figure suppressed. B1 implementation, with a sent return (on schedule).
All areas (n=8):
  reached Getting Going 4/8 = 50%; reached implementation 3/8 = 37.5% -> 38%
  on schedule or ahead: 3 of 6 with a return = 50%
  obstacle "staff skills": 2 of 6
CBA (only the community group's A1..A5 have one): each a fiscal benefit forecast at £10,000
with 20% optimism bias (£8,000 counted) and an outturn of £6,000, and a cost of £5,000 with an
outturn of £5,500. Fiscal benefits, n=5: forecast before bias £50,000, forecast £40,000, outturn
£30,000; outturn 75% of forecast; bias assumed 20%; shortfall observed (50,000 - 30,000) /
50,000 = 40%. Costs: £25,000 forecast, £27,500 outturn, 110%. Social benefits: A1 and A2 only
(n=2), suppressed. The measure "CBA benefits outturn as a share of forecast" for the community
group: (30,000 + A1 and A2's social outturn) against the forecasts of the same lines.
  Social lines: forecast £1,000 (no bias), outturn £500, so community: (30,000 + 1,000) /
  (40,000 + 2,000) = 73.8% -> 74%.
"""

import datetime
from decimal import Decimal

from delivery.models import Factor, FactorKind, ProgressStatus, ReturnFactor, ReturnStatus
from delivery.tests.factories import OutturnLineFactory, ProgressReturnFactory
from plans.models import PeerReview
from plans.tests.factories import (
    BenefitLineFactory,
    CbaFactory,
    CostLineFactory,
    PeerReviewAssignmentFactory,
    PlanFactory,
)
from plans.workflows import PlanStatus
from programmes.models import Approach, AreaStage, AreaStatus, OrganisationType
from programmes.tests.factories import AreaFactory, RoundFactory, theme
from support.models import ContactKind
from support.tests.factories import (
    AdviserDayFactory,
    EventInvitationFactory,
    SupportContactFactory,
)

T = OrganisationType
S = AreaStage
COMMUNITY = [
    # (name, org type, stage, status, delivered adviser days, progress status of the return)
    ("A1", T.VCS, S.IMPLEMENTATION, AreaStatus.ACTIVE, "2.0", ProgressStatus.AHEAD),
    ("A2", T.VCS, S.IMPLEMENTATION, AreaStatus.ACTIVE, "1.0", ProgressStatus.ON_SCHEDULE),
    ("A3", T.VCS, S.GETTING_GOING, AreaStatus.ACTIVE, None, ProgressStatus.BEHIND),
    ("A4", T.PARISH_COUNCIL, S.GETTING_READY, AreaStatus.ACTIVE, "0.5", ProgressStatus.BEHIND),
    (
        "A5",
        T.PARISH_COUNCIL,
        S.GETTING_READY,
        AreaStatus.WITHDRAWN,
        None,
        ProgressStatus.NOT_STARTED,
    ),
]
PUBLIC = [
    ("B1", T.LOCAL_AUTHORITY, S.IMPLEMENTATION),
    ("B2", T.LOCAL_AUTHORITY, S.GETTING_READY),
    ("B3", T.OTHER_PUBLIC, S.GETTING_READY),
]


def build_what_worked_round(slug="learning-round", extra_public_areas=0):
    """The round above; `extra_public_areas` adds that many more public-group areas with a
    contact and a return each (for the query-count test at a second size)."""
    rnd = RoundFactory(slug=slug, name="Learning Round")
    prefix = "".join(c for c in slug.upper() if c.isalnum())[:8]
    health = theme("health-and-wellbeing")
    areas = {}
    for name, org_type, stage, status, days, progress in COMMUNITY:
        area = AreaFactory(
            round=rnd,
            reference=f"{prefix}-{name}",
            name=f"Secret Street {name}",
            lead_organisation__org_type=org_type,
            lead_organisation__name=f"Hidden Trust {name}",
            lead_organisation__email=f"{name.lower()}@example.org",
            stage=stage,
            status=status,
            approach=Approach.SPECIFIC,
            themes=[health],
        )
        areas[name] = area
        if days:
            AdviserDayFactory(area=area, days=Decimal(days))
        r = ProgressReturnFactory(area=area, submitted=True, progress_status=progress)
        areas[f"{name}-return"] = r
    AdviserDayFactory(area=areas["A3"], planned=True, days=Decimal("1"))
    for i, (name, org_type, stage) in enumerate(PUBLIC + _extra(extra_public_areas)):
        areas[name] = AreaFactory(
            round=rnd,
            reference=f"{prefix}-{name}",
            name=f"Secret Street {name}",
            lead_organisation__org_type=org_type,
            stage=stage,
            approach=Approach.GENERAL,
            themes=[health],
        )
        if name == "B1" or i >= len(PUBLIC):
            ProgressReturnFactory(area=areas[name], submitted=True)
            SupportContactFactory(area=areas[name])

    a1, a2 = areas["A1"], areas["A2"]
    SupportContactFactory(area=a1, notes="Phoned Ms Jones at home")
    SupportContactFactory(area=a1)
    SupportContactFactory(area=a1, kind=ContactKind.CBA_SUPPORT)
    SupportContactFactory(area=a2)
    EventInvitationFactory(area=a1, attended=True)
    EventInvitationFactory(area=a2, attended=False)

    plan = PlanFactory(area=a1, status=PlanStatus.SIGNED_OFF, version_number=1)
    for reviewer in (a2.lead_organisation, areas["B1"].lead_organisation):
        assignment = PeerReviewAssignmentFactory(plan=plan, reviewer_organisation=reviewer)
        PeerReview.objects.create(
            assignment=assignment,
            strengths="Clear",
            suggestions="More data",
            overall_rating=3,
            submitted_at=plan.created_at,
        )

    ReturnFactor.objects.create(
        progress_return=areas["A3-return"], factor=Factor.STAFF_SKILLS, kind=FactorKind.OBSTACLE
    )
    ReturnFactor.objects.create(
        progress_return=areas["A4-return"], factor=Factor.STAFF_SKILLS, kind=FactorKind.OBSTACLE
    )
    ReturnFactor.objects.create(
        progress_return=areas["A4-return"],
        factor=Factor.FUNDING_SECURED,
        kind=FactorKind.OBSTACLE,
    )
    ReturnFactor.objects.create(
        progress_return=areas["A1-return"],
        factor=Factor.LEADERSHIP,
        kind=FactorKind.ENABLER,
    )
    # A draft return's ticks do not count.
    draft = ProgressReturnFactory(
        area=areas["A5"],
        status=ReturnStatus.DRAFT,
        period_end=areas["A5-return"].period_start - datetime.timedelta(days=1),
    )
    ReturnFactor.objects.create(
        progress_return=draft, factor=Factor.LEADERSHIP, kind=FactorKind.ENABLER
    )

    for i, name in enumerate(["A1", "A2", "A3", "A4", "A5"]):
        cba = CbaFactory(area=areas[name])
        fiscal = BenefitLineFactory(
            cba=cba, amount=Decimal("10000"), optimism_bias_pct=Decimal("20")
        )
        OutturnLineFactory(
            area=areas[name], kind="benefit", benefit_line=fiscal, actual_amount=Decimal("6000")
        )
        cost = CostLineFactory(cba=cba, amount=Decimal("5000"))
        OutturnLineFactory(
            area=areas[name], kind="cost", cost_line=cost, actual_amount=Decimal("5500")
        )
        if i < 2:
            social = BenefitLineFactory(cba=cba, amount=Decimal("1000"), benefit_type="social")
            OutturnLineFactory(
                area=areas[name], kind="benefit", benefit_line=social, actual_amount=Decimal("500")
            )
    return rnd, areas


def _extra(n):
    return [(f"C{i}", T.LOCAL_AUTHORITY, S.IMPLEMENTATION) for i in range(n)]
