"""A small round where every funnel and progression number is known by hand.

Areas (8): VCS x4, Local authority x2, Other public service x1, Parish or town council x1.
Applications submitted: 8 admitted + 3 rejected = 11 (plus one draft that does not count).
Getting Going: submitted by VCS1-4, LA1, Other1 (6); approved VCS1-3 and LA1 (4); CBA required
for VCS1 and LA1 (2); the parish area has a draft gate only (not counted).
Final plans submitted: VCS1, VCS2, LA1 (3); signed off: VCS1 (1).
Themes: health on every area; housing on VCS1 and LA1.

So: funnel 11, 8, 6, 4, 2, 3, 1. Progression:
VCS 4 (50%), 2 submitted (50%), 1 signed off (25%)
LA 2 (25%), 1 (50%), 0 (0%)
Other 1 (12.5% -> 13%), 0, 0
Parish 1 (13%), 0, 0
Total 8 (100%), 3 (37.5% -> 38%), 1 (12.5% -> 13%)
"""

from decimal import Decimal

from django.utils import timezone

from applications.models import ApplicationStatus, GateStatus
from applications.tests.factories import ApplicationFactory, GateFactory
from plans.tests.factories import PlanFactory
from plans.workflows import PlanStatus
from programmes.models import OrganisationType
from programmes.tests.factories import AreaFactory, RoundFactory, theme

FUNNEL = [
    ("applications", 11),
    ("admitted", 8),
    ("applied_getting_going", 6),
    ("approved_getting_going", 4),
    ("plan_submitted", 3),
    ("plan_signed_off", 1),
]
FUNNEL_FLAGS = [("cba_required", 2)]
PROGRESSION = [
    ("VCS body", 4, 50, 2, 50, 1, 25),
    ("Local authority", 2, 25, 1, 50, 0, 0),
    ("Other public service", 1, 13, 0, 0, 0, 0),
    ("Parish or town council", 1, 13, 0, 0, 0, 0),
    ("Total", 8, 100, 3, 38, 1, 13),
]


def build_known_round(slug="known-round", name="Known Round"):
    rnd = RoundFactory(slug=slug, name=name)
    now = timezone.now()
    health, housing = theme("health-and-wellbeing"), theme("housing")
    T = OrganisationType
    spec = [
        # (org type, gate status or None, cba, plan status or None, extra theme)
        (T.VCS, GateStatus.APPROVED, True, PlanStatus.SIGNED_OFF, housing),
        (T.VCS, GateStatus.APPROVED, False, PlanStatus.UNDER_REVIEW, None),
        (T.VCS, GateStatus.APPROVED, False, None, None),
        (T.VCS, GateStatus.REJECTED, False, None, None),
        (T.LOCAL_AUTHORITY, GateStatus.APPROVED, True, PlanStatus.FINAL_SUBMITTED, housing),
        (T.LOCAL_AUTHORITY, None, False, None, None),
        (T.OTHER_PUBLIC, GateStatus.REJECTED, False, None, None),
        (T.PARISH_COUNCIL, GateStatus.DRAFT, False, None, None),
    ]
    areas = []
    for i, (org_type, gate_status, cba, plan_status, extra) in enumerate(spec):
        area = AreaFactory(
            round=rnd,
            reference=f"KR-{i + 1:03d}",
            lead_organisation__org_type=org_type,
            lead_organisation__charity_number="" if org_type != T.VCS else f"{1200000 + i}",
            themes=[health, extra] if extra else [health],
        )
        areas.append(area)
        ApplicationFactory(
            round=rnd,
            organisation=area.lead_organisation,
            status=ApplicationStatus.ADMITTED,
            submitted_at=now,
            area=area,
        )
        if gate_status is not None:
            submitted = gate_status != GateStatus.DRAFT
            GateFactory(
                area=area,
                status=gate_status,
                submitted_at=now if submitted else None,
                cba_required=cba,
                amount_approved=Decimal("10000") if gate_status == GateStatus.APPROVED else None,
            )
        if plan_status is not None:
            PlanFactory(area=area, status=plan_status, version_number=1, final_submitted_at=now)
    for _ in range(3):
        ApplicationFactory(round=rnd, rejected=True)
    ApplicationFactory(round=rnd)  # a draft: not counted
    return rnd, areas
