"""A small live round where every drop-out number is known by hand, with cases still waiting.

As at today (the report's date: tests that use this round take the `clock` fixture, so the
day cannot change between building the round and counting it), counted step by step:

Applications (14 sent; a draft does not count): 9 admitted (A1-A9), 2 waiting for a decision
(sent 10 and 30 days ago: median 20, longest 30), 3 left (2 rejected, 1 withdrawn).

Areas:
  A1  Getting Going approved, plan signed off (submitted 60 days ago, signed off 20 days later)
  A2  approved, final plan in review, submitted 130 days ago
  A3  approved, final plan submitted 40 days ago
  A4  approved, plan not approved (the area did not progress)
  A5  approved 50 days ago, no plan yet
  A6  Getting Going refused; the area did not progress
  A7  Getting Going application waiting for a decision, sent 12 days ago
  A8  no Getting Going application yet, joined 100 days ago
  A9  withdrew before applying for Getting Going

So:
  Applications -> Admitted: 14 = 9 moved on + 2 in progress (median 20, longest 30) + 3 left
  Admitted -> Applied GG: 9 = 7 + 1 (100 days) + 1
  Applied GG -> GG approved: 7 = 5 + 1 (12 days) + 1
  GG approved -> Final plan submitted: 5 = 4 + 1 (50 days) + 0
  Final plan submitted -> Signed off: 4 = 1 + 2 (median 85, longest 130) + 1
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.models import ApplicationStatus, GateStatus
from applications.tests.factories import ApplicationFactory, GateFactory
from core.testing import today
from plans.tests.factories import PlanFactory
from plans.workflows import PlanStatus
from programmes.tests.factories import AreaFactory, RoundFactory

DROP_OUT = [
    # (moved on, in progress, left, median wait, longest wait)
    (9, 2, 3, 20, 30),
    (7, 1, 1, 100, 100),
    (5, 1, 1, 12, 12),
    (4, 1, 0, 50, 50),
    (1, 2, 1, 85, 130),
]


def ago(days: int):
    return timezone.now() - timedelta(days=days)


def build_waiting_round(slug="waiting-round"):
    rnd = RoundFactory(slug=slug, name="Waiting Round", review_target_days=112)
    G, P = GateStatus, PlanStatus
    spec = [
        # (area status, gate status, gate sent/decided days ago, plan status, plan sent days ago)
        ("active", G.APPROVED, 90, P.SIGNED_OFF, 60),
        ("active", G.APPROVED, 200, P.UNDER_REVIEW, 130),
        ("active", G.APPROVED, 80, P.FINAL_SUBMITTED, 40),
        ("not_progressed", G.APPROVED, 150, P.NOT_APPROVED, 70),
        ("active", G.APPROVED, 50, None, None),
        ("not_progressed", G.REJECTED, 60, None, None),
        ("active", G.SUBMITTED, 12, None, None),
        ("active", None, None, None, None),
        ("withdrawn", None, None, None, None),
    ]
    areas = []
    for i, (status, gate, gate_days, plan, plan_days) in enumerate(spec):
        area = AreaFactory(
            round=rnd,
            reference=f"WR-{i + 1:03d}",
            status=status,
            joined_on=today() - timedelta(100),
        )
        areas.append(area)
        ApplicationFactory(
            round=rnd,
            organisation=area.lead_organisation,
            status=ApplicationStatus.ADMITTED,
            submitted_at=ago(300),
            area=area,
        )
        if gate is not None:
            decided = gate in (G.APPROVED, G.REJECTED)
            GateFactory(
                area=area,
                status=gate,
                submitted_at=ago(gate_days + (10 if decided else 0)),
                decided_at=ago(gate_days) if decided else None,
                amount_approved=Decimal("10000") if gate == G.APPROVED else None,
            )
        if plan is not None:
            PlanFactory(
                area=area,
                status=plan,
                version_number=1,
                final_submitted_at=ago(plan_days),
                decided_at=ago(plan_days - 20) if plan == P.SIGNED_OFF else None,
            )
    for days, status in [(10, ApplicationStatus.SUBMITTED), (30, "under_assessment")]:
        ApplicationFactory(round=rnd, status=status, submitted_at=ago(days))
    for status in [ApplicationStatus.REJECTED, ApplicationStatus.REJECTED, "withdrawn"]:
        ApplicationFactory(round=rnd, status=status, submitted_at=ago(200))
    ApplicationFactory(round=rnd)  # a draft: not counted
    return rnd, areas
