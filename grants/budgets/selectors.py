"""Reads for round budgets: the figures by financial year (April to March) and by stage.

Committed is the amount of live awards, counted in the financial year of the award date. Paid,
forecast (awaiting approval or approved) and held back come from the payments: a paid payment
counts in the year it was paid, any other in the year it is due (a held-back payment, which has no
due date yet, in the year of its award). Which column a payment's status counts in is the payment
workflow's figures table (``grants.workflows.MONEY_FIGURE``), so every state has a column and a
cancelled one counts nowhere. Three queries, each summed by the database (rows per stage,
financial year and status, never per award or payment)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Sum, When
from django.db.models.functions import Coalesce, ExtractYear

from grants.models import Award, Payment
from grants.workflows import MONEY_FIGURE, NOWHERE, statuses_counted_as
from programmes.models import Stage

from .models import BudgetLine, fy_label

ZERO = Decimal("0")


def financial_year(d) -> int:
    """The year an April-to-March financial year starts: 15 March 2027 is in 2026 (2026–27)."""
    return d.year if d.month >= 4 else d.year - 1


@dataclass
class BudgetRow:
    label: str
    key: object = None
    budget: Decimal | None = None
    committed: Decimal = ZERO
    # One field per figure of grants.workflows.MONEY_FIGURE (the names are the figures').
    paid: Decimal = ZERO
    approved: Decimal = ZERO
    awaiting_approval: Decimal = ZERO
    held: Decimal = ZERO

    def __setstate__(self, state):
        # The dashboard caches its rows (reports.freshness) for up to REPORTS_CACHE_SECONDS: a
        # row cached before "scheduled" became "awaiting_approval" still reads after a deploy.
        if "scheduled" in state and "awaiting_approval" not in state:
            state["awaiting_approval"] = state.pop("scheduled")
        self.__dict__.update(state)

    @property
    def forecast(self) -> Decimal:
        """Still to go out: approved, or on its way to approval (once or twice)."""
        return self.approved + self.awaiting_approval

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def over(self) -> bool:
        return self.remaining is not None and self.remaining < 0


@dataclass
class RoundBudget:
    round: object
    years: list[BudgetRow] = field(default_factory=list)
    stages: list[BudgetRow] = field(default_factory=list)
    total: BudgetRow | None = None
    lines: list = field(default_factory=list)


def _financial_year(date_field: str) -> Case:
    """The database's `financial_year` of a date column or annotation."""
    return Case(
        When(**{f"{date_field}__month__gte": 4}, then=ExtractYear(date_field)),
        default=ExtractYear(date_field) - 1,
        output_field=IntegerField(),
    )


def _award_sums(round_) -> list[dict]:
    return list(
        Award.objects.filter(area__round=round_, status=Award.Status.LIVE)
        .annotate(fy=_financial_year("awarded_on"))
        .order_by()
        .values("stage", "fy")
        .annotate(total=Sum("amount"))
    )


def _payment_sums(round_) -> list[dict]:
    return list(
        Payment.objects.filter(award__area__round=round_)
        .exclude(status__in=statuses_counted_as(NOWHERE))
        .annotate(
            counted_on=Case(
                When(status=Payment.Status.PAID, then=Coalesce("paid_on", "award__awarded_on")),
                default=Coalesce("due_on", "award__awarded_on"),
            )
        )
        .annotate(fy=_financial_year("counted_on"), stage=F("award__stage"))
        .order_by()
        .values("status", "stage", "fy")
        .annotate(total=Sum("amount"))
    )


def round_budget(round_) -> RoundBudget:
    """Budget, committed, paid, forecast, held and remaining for a round: one row per financial
    year that has a budget line or any money, one per stage with money or a line, and a total."""
    lines = list(BudgetLine.objects.filter(round=round_).order_by("financial_year", "stage"))
    years: dict[int, BudgetRow] = defaultdict(lambda: BudgetRow(label=""))
    stages: dict[str, BudgetRow] = defaultdict(lambda: BudgetRow(label=""))
    total = BudgetRow(label="All years", budget=round_.budget_total)
    for line in lines:
        if line.stage and line.financial_year is None:
            stages[line.stage].budget = line.amount
        elif not line.stage:
            years[line.financial_year].budget = line.amount
    for a in _award_sums(round_):
        for row in (years[a["fy"]], stages[a["stage"]], total):
            row.committed += a["total"]
    for p in _payment_sums(round_):
        field_name = MONEY_FIGURE[p["status"]]
        for row in (years[p["fy"]], stages[p["stage"]], total):
            setattr(row, field_name, getattr(row, field_name) + p["total"])
    for year, row in years.items():
        row.label, row.key = fy_label(year), year
    order = {s: i for i, s in enumerate(Stage.values)}
    for stage, row in stages.items():
        row.label, row.key = Stage(stage).label, stage
    return RoundBudget(
        round=round_,
        years=[years[y] for y in sorted(years)],
        stages=[stages[s] for s in sorted(stages, key=order.get)],
        total=total,
        lines=lines,
    )
