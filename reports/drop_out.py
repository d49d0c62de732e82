"""Drop-out between the funnel's steps, told truthfully: of those who reached a step, how many
have moved on to the next, how many are still in progress (and how long they have waited so far)
and how many have left (not admitted, withdrawn, not approved, did not progress), as at a date.

Counting everyone who has not reached the next step as "lost" makes a live round look like a
collapse: plans still in review are not drop-outs. The three outcomes always add up to the number
who reached the step.

The database does the counting: one query (a UNION ALL of one grouped query per step) returns, per
step, a row per outcome, and for those in progress a row per date they started waiting with how
many started that day. Its size depends on the number of distinct dates, never on per-area rows.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from applications import selectors as application_selectors
from applications.models import ApplicationStatus, GateStatus
from plans import selectors as plan_selectors
from plans.workflows import PlanStatus
from programmes import selectors as programme_selectors
from programmes.models import Round

from .metrics import percent

MOVED_ON, IN_PROGRESS, LEFT = "moved_on", "in_progress", "left"
# An area that has left the programme (its status), whatever step it had reached.
LEFT_STATUSES = ["withdrawn", "not_progressed"]

STEPS = [
    # (key, from, to, what "left" means at this step, what "in progress" waits for)
    (
        "admission",
        "Applications",
        "Admitted",
        "not admitted or withdrew",
        "awaiting a decision",
    ),
    (
        "gg_applied",
        "Admitted",
        "Applied for Getting Going",
        "withdrew or did not progress",
        "not yet applied, since joining",
    ),
    (
        "gg_approved",
        "Applied for Getting Going",
        "Getting Going approved",
        "not approved or withdrew",
        "awaiting a decision",
    ),
    (
        "plan_submitted",
        "Getting Going approved",
        "Final plan submitted",
        "withdrew or did not progress",
        "writing the plan, since approval",
    ),
    (
        "plan_signed_off",
        "Final plan submitted",
        "Plan signed off",
        "not approved or withdrew",
        "in review, since final submission",
    ),
]


@dataclass
class StepOutcome:
    """One step's three outcomes. ``waiting`` holds the days each case still in progress has
    waited so far (as at the report's date), longest first."""

    key: str
    from_label: str
    to_label: str
    left_means: str
    waiting_means: str
    moved_on: int = 0
    in_progress: int = 0
    left: int = 0
    waiting: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.moved_on + self.in_progress + self.left

    @property
    def moved_on_pct(self) -> int:
        return percent(self.moved_on, self.total)

    @property
    def in_progress_pct(self) -> int:
        return percent(self.in_progress, self.total)

    @property
    def left_pct(self) -> int:
        return percent(self.left, self.total)

    @property
    def longest_wait(self) -> int | None:
        return self.waiting[0] if self.waiting else None

    @property
    def median_wait(self) -> float | None:
        """The median of the days waited so far (a lower bound: they are still waiting)."""
        n = len(self.waiting)
        if not n:
            return None
        ordered = sorted(self.waiting)
        mid = n // 2
        return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@dataclass
class DropOut:
    as_at: date
    steps: list[StepOutcome]

    @property
    def anyone_left(self) -> bool:
        return any(s.left for s in self.steps)

    @property
    def applications(self) -> int:
        """Applications sent (the admission step's cases): `metrics`' ``applications``."""
        return next(s.total for s in self.steps if s.key == "admission")


def _part(qs, key: str, outcome, since):
    """One step's grouped rows: (step, outcome, since, n)."""
    return (
        qs.annotate(
            step=Value(key, output_field=CharField()),
            outcome=outcome,
            since=Case(When(Q(outcome=IN_PROGRESS), then=since), output_field=DateField()),
        )
        .order_by()
        .values("step", "outcome", "since")
        .annotate(n=Count("pk"))
    )


def _outcome(*whens, default=IN_PROGRESS):
    return Case(*whens, default=Value(default), output_field=CharField())


def _application_part(round: Round):
    apps = application_selectors.submitted_applications(round=round)
    S = ApplicationStatus
    outcome = _outcome(
        When(status=S.ADMITTED, then=Value(MOVED_ON)),
        When(status__in=[S.REJECTED, S.WITHDRAWN], then=Value(LEFT)),
    )
    return _part(apps, "admission", outcome, TruncDate("submitted_at"))


def _area_parts(round: Round) -> list:
    areas = programme_selectors.round_areas(round=round)
    all_gg = application_selectors.getting_going_gates()
    all_plans = plan_selectors.final_submitted_plans()

    def among(qs) -> Q:
        # `pk IN (subquery)`, not a correlated EXISTS: PostgreSQL reads the subquery once into a
        # hash and probes it per area instead of an index lookup per area and condition.
        return Q(pk__in=qs.values("area_id"))

    applied = among(all_gg.filter(submitted_at__isnull=False))
    approved = among(all_gg.filter(status=GateStatus.APPROVED))
    pending = among(all_gg.filter(status=GateStatus.SUBMITTED))
    planned = among(all_plans)
    # The dates each case started waiting are looked up per area, but only for the areas still
    # in progress (the CASE in `_part` reads them for those alone).
    gg = all_gg.filter(area=OuterRef("pk"))
    plans = all_plans.filter(area=OuterRef("pk"))
    gone = Q(status__in=LEFT_STATUSES)

    def first(qs, column, order):
        return TruncDate(Subquery(qs.order_by(order).values(column)[:1]))

    return [
        _part(
            areas,
            "gg_applied",
            _outcome(When(applied, then=Value(MOVED_ON)), When(gone, then=Value(LEFT))),
            F("joined_on"),
        ),
        _part(
            areas.filter(applied),
            "gg_approved",
            _outcome(
                When(approved, then=Value(MOVED_ON)),
                When(pending & ~gone, then=Value(IN_PROGRESS)),
                default=LEFT,
            ),
            first(gg.filter(status=GateStatus.SUBMITTED), "submitted_at", "submitted_at"),
        ),
        _part(
            areas.filter(approved),
            "plan_submitted",
            _outcome(When(planned, then=Value(MOVED_ON)), When(gone, then=Value(LEFT))),
            Coalesce(
                first(gg.filter(status=GateStatus.APPROVED), "decided_at", "-decided_at"),
                F("joined_on"),
            ),
        ),
        _part(
            areas.filter(planned),
            "plan_signed_off",
            _outcome(
                When(among(all_plans.filter(status=PlanStatus.SIGNED_OFF)), then=Value(MOVED_ON)),
                When(among(all_plans.filter(status=PlanStatus.NOT_APPROVED)), then=Value(LEFT)),
                When(gone, then=Value(LEFT)),
            ),
            first(plans, "final_submitted_at", "-final_submitted_at"),
        ),
    ]


def drop_out(round: Round, *, as_at: date) -> DropOut:
    """The round's drop-out between consecutive funnel steps, in one query."""
    first, *rest = [_application_part(round), *_area_parts(round)]
    steps = {
        key: StepOutcome(key, before, after, left_means, waiting_means)
        for key, before, after, left_means, waiting_means in STEPS
    }
    for row in first.union(*rest, all=True):
        step = steps[row["step"]]
        n = row["n"]
        if row["outcome"] == MOVED_ON:
            step.moved_on += n
        elif row["outcome"] == LEFT:
            step.left += n
        else:
            step.in_progress += n
            # A case with no start date (not recorded) waits from the report's date: 0 days.
            days = (as_at - row["since"]).days if row["since"] else 0
            step.waiting.extend([max(days, 0)] * n)
    for step in steps.values():
        step.waiting.sort(reverse=True)
    return DropOut(as_at=as_at, steps=list(steps.values()))
