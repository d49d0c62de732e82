"""Pure arithmetic for the delivery pages: the return schedule, funding planned against secured,
and the CBA forecast against outturn. No database access, so each is tested with hand-worked
numbers."""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from plans.cba import adjusted_benefit, calculate
from plans.models import FundingSource

ZERO = Decimal("0")
PENNY = Decimal("0.01")
TENTH = Decimal("0.1")

# A return is due this many days after its period ends; after that it is overdue.
RETURN_DUE_DAYS = 30


# Return schedule --------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due_on: datetime.date


def return_periods(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    interval_months: int,
    due_days: int = RETURN_DUE_DAYS,
) -> list[Period]:
    """Back-to-back periods of `interval_months` from `starts_on`; the last is cut short at
    `ends_on` (the round's end). Each period's return is due `due_days` after it ends."""
    interval = max(int(interval_months or 0), 1)
    periods = []
    n = 0
    start = starts_on
    while start <= ends_on:
        n += 1
        end = min(add_months(starts_on, interval * n) - datetime.timedelta(days=1), ends_on)
        periods.append(Period(start, end, end + datetime.timedelta(days=due_days)))
        start = end + datetime.timedelta(days=1)
    return periods


def return_opens_on(
    *, period_start: datetime.date, period_end: datetime.date, open_days: int
) -> datetime.date:
    """The first day a return can be submitted: the last `open_days` days of its period count,
    the period's end included (14 days before a period ending 15 Feb: from 2 Feb); 0 means the
    day after the period ends. Never before the period starts."""
    opens = period_end - datetime.timedelta(days=int(open_days or 0) - 1)
    return max(opens, period_start)


# Funding planned against secured ----------------------------------------------------------------

MORE = "more than planned"
AS_PLANNED = "as planned"
LESS = "less than planned"
NONE = "none"


def outcome_label(planned: Decimal, secured: Decimal) -> str:
    """The evaluation's outcome for a source: "none" when nothing was secured (whether or not
    anything was planned), otherwise secured compared with planned."""
    if secured <= 0:
        return NONE
    if secured > planned:
        return MORE
    if secured == planned:
        return AS_PLANNED
    return LESS


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FundingRow:
    source: str
    year: int | None  # None for a source's total across years
    planned: Decimal
    secured: Decimal

    @property
    def difference(self) -> Decimal:
        return self.secured - self.planned

    @property
    def outcome(self) -> str:
        return outcome_label(self.planned, self.secured)

    @property
    def secured_pct(self) -> Decimal | None:
        return _pct(self.secured, self.planned)

    @property
    def source_label(self) -> str:
        return FundingSource(self.source).label if self.source else "All sources"

    @property
    def year_label(self) -> str:
        return "" if self.year is None else f"{self.year}/{(self.year + 1) % 100:02d}"


@dataclass(frozen=True)
class FundingComparison:
    rows: list[FundingRow] = field(default_factory=list)  # by source and year
    sources: list[FundingRow] = field(default_factory=list)  # one per source, all years
    total: FundingRow = FundingRow("", None, ZERO, ZERO)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def chart_data(self) -> dict:
        """Per-source figures for the bar chart (the table beside it carries the same)."""
        return {
            "labels": [row.source_label for row in self.sources],
            "planned": [float(row.planned) for row in self.sources],
            "secured": [float(row.secured) for row in self.sources],
        }


SOURCE_ORDER = {s.value: i for i, s in enumerate(FundingSource)}


def compare_funding(
    *, planned: Iterable[tuple[str, int, Decimal]], secured: Iterable[tuple[str, int, Decimal]]
) -> FundingComparison:
    """`planned` and `secured` are (source, year, amount) triples; several secured records for
    the same source and year add up."""
    plan: dict[tuple[str, int], Decimal] = {}
    got: dict[tuple[str, int], Decimal] = {}
    for source, year, amount in planned:
        plan[(source, year)] = plan.get((source, year), ZERO) + Decimal(amount)
    for source, year, amount in secured:
        got[(source, year)] = got.get((source, year), ZERO) + Decimal(amount)
    keys = sorted(set(plan) | set(got), key=lambda k: (SOURCE_ORDER.get(k[0], 99), k[1]))
    rows = [FundingRow(s, y, plan.get((s, y), ZERO), got.get((s, y), ZERO)) for s, y in keys]
    sources = []
    for source in sorted({r.source for r in rows}, key=lambda s: SOURCE_ORDER.get(s, 99)):
        mine = [r for r in rows if r.source == source]
        sources.append(
            FundingRow(
                source,
                None,
                sum((r.planned for r in mine), ZERO),
                sum((r.secured for r in mine), ZERO),
            )
        )
    total = FundingRow(
        "",
        None,
        sum((r.planned for r in rows), ZERO),
        sum((r.secured for r in rows), ZERO),
    )
    return FundingComparison(rows=rows, sources=sources, total=total)


# CBA forecast against outturn -------------------------------------------------------------------


@dataclass(frozen=True)
class _Amount:
    year: int
    amount: Decimal
    optimism_bias_pct: Decimal = ZERO


@dataclass(frozen=True)
class CbaLine:
    kind: str  # cost or benefit
    year: int
    description: str
    forecast: Decimal | None  # None: not in the CBA
    actual: Decimal | None  # None: no outturn recorded yet
    outturn_id: int | None = None
    forecast_line_id: int | None = None

    @property
    def variance(self) -> Decimal | None:
        if self.actual is None:
            return None
        return self.actual - (self.forecast or ZERO)

    @property
    def variance_pct(self) -> Decimal | None:
        if self.actual is None or not self.forecast:
            return None
        return _pct(self.actual - self.forecast, self.forecast)


@dataclass(frozen=True)
class CbaTotals:
    forecast: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.forecast

    @property
    def variance_pct(self) -> Decimal | None:
        return _pct(self.variance, self.forecast)


@dataclass(frozen=True)
class CbaComparison:
    discount_rate_pct: Decimal
    lines: list[CbaLine]
    costs: CbaTotals  # undiscounted
    benefits: CbaTotals
    pv_costs: CbaTotals  # discounted
    pv_benefits: CbaTotals
    forecast_bcr: Decimal | None
    outturn_bcr: Decimal | None
    lines_with_outturn: int
    forecast_lines: int

    def recorded_so_far(self, kind: str) -> CbaTotals:
        """Like for like while outturn is still coming in: the forecast of only the lines that
        have an outturn, against all outturn of that kind (unforeseen lines included)."""
        mine = [x for x in self.lines if x.kind == kind and x.actual is not None]
        return CbaTotals(
            sum((x.forecast for x in mine if x.forecast is not None), ZERO),
            sum((x.actual for x in mine), ZERO),
        )

    @property
    def costs_so_far(self) -> CbaTotals:
        return self.recorded_so_far("cost")

    @property
    def benefits_so_far(self) -> CbaTotals:
        return self.recorded_so_far("benefit")

    @property
    def npv(self) -> CbaTotals:
        return CbaTotals(
            self.pv_benefits.forecast - self.pv_costs.forecast,
            self.pv_benefits.actual - self.pv_costs.actual,
        )


def compare_cba(
    *,
    discount_rate_pct: Decimal,
    costs: Iterable,
    benefits: Iterable,
    outturns: Iterable,
) -> CbaComparison:
    """Forecast lines against outturn lines.

    `costs`: forecast cost lines (id, year, description, amount); `benefits`: forecast benefit
    lines (also optimism_bias_pct): the forecast counts a benefit after its optimism bias, as the
    CBA does. `outturns`: (id, kind, year, description, actual_amount, cost_line_id,
    benefit_line_id). An outturn recorded against no forecast line is an unforeseen cost or
    benefit (forecast nothing). Discounting uses the CBA's rate and `plans.cba.calculate`, so the
    forecast present values here are the CBA's own.
    """
    costs, benefits, outturns = list(costs), list(benefits), list(outturns)
    by_cost = {o.cost_line_id: o for o in outturns if o.kind == "cost" and o.cost_line_id}
    by_benefit = {
        o.benefit_line_id: o for o in outturns if o.kind == "benefit" and o.benefit_line_id
    }
    lines = []
    for c in costs:
        o = by_cost.get(c.id)
        lines.append(
            CbaLine(
                "cost",
                c.year,
                c.description,
                Decimal(c.amount),
                None if o is None else Decimal(o.actual_amount),
                None if o is None else o.id,
                c.id,
            )
        )
    for b in benefits:
        o = by_benefit.get(b.id)
        lines.append(
            CbaLine(
                "benefit",
                b.year,
                b.description,
                adjusted_benefit(b.amount, b.optimism_bias_pct or ZERO),
                None if o is None else Decimal(o.actual_amount),
                None if o is None else o.id,
                b.id,
            )
        )
    for o in outturns:
        if not (o.cost_line_id if o.kind == "cost" else o.benefit_line_id):
            lines.append(
                CbaLine(o.kind, o.year, o.description, None, Decimal(o.actual_amount), o.id)
            )
    lines.sort(key=lambda x: (x.kind != "cost", x.year, x.forecast is None))

    forecast = calculate(discount_rate_pct=discount_rate_pct, costs=costs, benefits=benefits)
    actual = calculate(
        discount_rate_pct=discount_rate_pct,
        costs=[_Amount(o.year, Decimal(o.actual_amount)) for o in outturns if o.kind == "cost"],
        benefits=[
            _Amount(o.year, Decimal(o.actual_amount)) for o in outturns if o.kind == "benefit"
        ],
    )
    return CbaComparison(
        discount_rate_pct=Decimal(discount_rate_pct),
        lines=lines,
        costs=CbaTotals(forecast.total_costs, actual.total_costs),
        benefits=CbaTotals(forecast.total_benefits, actual.total_benefits),
        pv_costs=CbaTotals(forecast.pv_costs, actual.pv_costs),
        pv_benefits=CbaTotals(forecast.pv_benefits, actual.pv_benefits),
        forecast_bcr=forecast.bcr,
        outturn_bcr=actual.bcr,
        lines_with_outturn=sum(1 for x in lines if x.forecast is not None and x.actual is not None),
        forecast_lines=sum(1 for x in lines if x.forecast is not None),
    )
