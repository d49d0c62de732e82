"""Cost benefit analysis arithmetic: a pure function of the lines and the discount rate.

Everything is Decimal. Benefits are first reduced by their optimism bias; each year's costs and
benefits are discounted by 1 / (1 + r)^year (year 0 is not discounted); present values are rounded
to the penny per year and totals are sums of those rounded figures, so the working shown on the
page adds up exactly.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0")


def _money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CbaYear:
    year: int
    costs: Decimal
    benefits_gross: Decimal
    benefits: Decimal  # after optimism bias
    discount_factor: Decimal
    pv_costs: Decimal
    pv_benefits: Decimal
    cumulative_pv_costs: Decimal
    cumulative_pv_benefits: Decimal

    @property
    def net_pv(self) -> Decimal:
        return self.pv_benefits - self.pv_costs


@dataclass(frozen=True)
class CbaResult:
    discount_rate_pct: Decimal
    rows: list[CbaYear] = field(default_factory=list)
    total_costs: Decimal = ZERO
    total_benefits_gross: Decimal = ZERO
    total_benefits: Decimal = ZERO
    pv_costs: Decimal = ZERO
    pv_benefits: Decimal = ZERO
    npv: Decimal = ZERO
    bcr: Decimal | None = None
    payback_year: int | None = None

    @property
    def optimism_bias_adjustment(self) -> Decimal:
        return self.total_benefits_gross - self.total_benefits

    def summary(self) -> dict:
        return {
            "discount_rate_pct": str(self.discount_rate_pct),
            "pv_costs": str(self.pv_costs),
            "pv_benefits": str(self.pv_benefits),
            "npv": str(self.npv),
            "bcr": None if self.bcr is None else str(self.bcr),
            "payback_year": self.payback_year,
        }


def discount_factor(rate_pct: Decimal, year: int) -> Decimal:
    return Decimal(1) / (Decimal(1) + Decimal(rate_pct) / Decimal(100)) ** year


def adjusted_benefit(amount: Decimal, optimism_bias_pct: Decimal) -> Decimal:
    return _money(Decimal(amount) * (Decimal(100) - Decimal(optimism_bias_pct)) / Decimal(100))


def calculate(*, discount_rate_pct: Decimal, costs: Iterable, benefits: Iterable) -> CbaResult:
    """`costs`: objects with year and amount; `benefits`: with year, amount, optimism_bias_pct."""
    rate = Decimal(discount_rate_pct)
    cost_by_year: dict[int, Decimal] = {}
    gross_by_year: dict[int, Decimal] = {}
    net_by_year: dict[int, Decimal] = {}
    for c in costs:
        cost_by_year[c.year] = cost_by_year.get(c.year, ZERO) + Decimal(c.amount)
    for b in benefits:
        gross_by_year[b.year] = gross_by_year.get(b.year, ZERO) + Decimal(b.amount)
        net_by_year[b.year] = net_by_year.get(b.year, ZERO) + adjusted_benefit(
            b.amount, b.optimism_bias_pct or ZERO
        )
    years = set(cost_by_year) | set(gross_by_year)
    if not years:
        return CbaResult(discount_rate_pct=rate)
    rows = []
    cum_c = cum_b = ZERO
    payback = None
    for year in range(0, max(years) + 1):
        factor = discount_factor(rate, year)
        cost = cost_by_year.get(year, ZERO)
        benefit = net_by_year.get(year, ZERO)
        pv_c = _money(cost * factor)
        pv_b = _money(benefit * factor)
        cum_c += pv_c
        cum_b += pv_b
        if payback is None and cum_c > 0 and cum_b >= cum_c:
            payback = year
        rows.append(
            CbaYear(
                year=year,
                costs=cost,
                benefits_gross=gross_by_year.get(year, ZERO),
                benefits=benefit,
                discount_factor=factor,
                pv_costs=pv_c,
                pv_benefits=pv_b,
                cumulative_pv_costs=cum_c,
                cumulative_pv_benefits=cum_b,
            )
        )
    pv_costs = sum((r.pv_costs for r in rows), ZERO)
    pv_benefits = sum((r.pv_benefits for r in rows), ZERO)
    return CbaResult(
        discount_rate_pct=rate,
        rows=rows,
        total_costs=sum((r.costs for r in rows), ZERO),
        total_benefits_gross=sum((r.benefits_gross for r in rows), ZERO),
        total_benefits=sum((r.benefits for r in rows), ZERO),
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npv=pv_benefits - pv_costs,
        bcr=(pv_benefits / pv_costs).quantize(PENNY, rounding=ROUND_HALF_UP) if pv_costs else None,
        payback_year=payback,
    )
