"""The programme report's opening page and its money chapter.

The executive summary puts the round's position in numbers and three sentences written from
them; the spend chapter shows awarded, paid, held back and still to pay, against the budget when
the round has one, by stage and by financial year (April to March). Both read what the other
sections already computed (the report's cache), so the summary cannot disagree with them.
"""

from decimal import Decimal

from core.money import pounds
from core.wording import days
from grants.budgets.selectors import round_budget
from programmes.models import AreaStage, AreaStatus

from .. import charts, drop_out, metrics
from .base import ReportContext
from .programme import _round_counts, programme_sign_off_time

ZERO = Decimal("0")


def _budget(ctx: ReportContext):
    return ctx.cached("budget", lambda: round_budget(ctx.round))


def _drop_out(ctx: ReportContext) -> drop_out.DropOut:
    return ctx.cached("drop_out", lambda: drop_out.drop_out(ctx.round, as_at=ctx.report_date))


def programme_spend(ctx: ReportContext) -> dict | None:
    """Awarded, paid, held back, forecast and still to pay, against budget, by stage and year."""
    budget = _budget(ctx)
    total = budget.total
    if not total.committed and not total.paid and total.budget is None and not budget.years:
        return None
    return {
        "budget": budget,
        "still_to_pay": total.committed - total.paid,
        "paid_pct": metrics.percent(total.paid, total.committed) if total.committed else 0,
        "committed_pct": metrics.percent(total.committed, total.budget) if total.budget else None,
        "chart": charts.grouped_bars(
            [row.label for row in budget.years],
            [
                ("Awarded (£)", [float(row.committed) for row in budget.years]),
                ("Paid (£)", [float(row.paid) for row in budget.years]),
                *(
                    [("Budget (£)", [float(row.budget or 0) for row in budget.years])]
                    if any(row.budget is not None for row in budget.years)
                    else []
                ),
            ],
            title="Awarded and paid by financial year",
        )
        if budget.years
        else None,
    }


def _position_sentence(ctx, by_stage, by_status, total) -> str:
    at = ", ".join(f"{by_stage.get(value, 0)} at {label}" for value, label in AreaStage.choices)
    left = by_status.get(AreaStatus.WITHDRAWN, 0) + by_status.get(AreaStatus.NOT_PROGRESSED, 0)
    sentence = f"{ctx.round.name} has {total} area{'s' if total != 1 else ''}: {at}"
    return sentence + (
        f"; {left} {'has' if left == 1 else 'have'} left the programme." if left else "."
    )


def _sign_off_sentence(ctx) -> str:
    steps = {s.key: s for s in _drop_out(ctx).steps}
    last = steps["plan_signed_off"]
    if not last.total:
        return "No final plans have been submitted yet."
    sentence = (
        f"Of {last.total} final plan{'s' if last.total != 1 else ''} submitted, "
        f"{last.moved_on} {'has' if last.moved_on == 1 else 'have'} been signed off, "
        f"{last.in_progress} {'is' if last.in_progress == 1 else 'are'} still in review"
    )
    if last.in_progress:
        sentence += f" (the longest for {days(last.longest_wait)})"
    sentence += (
        f" and {last.left} left (not approved or withdrew)" if last.left else " and none left"
    )
    sign_off = programme_sign_off_time(ctx)
    if sign_off and sign_off["km_median"] is not None:
        sentence += f"; counting those waiting, the median time to sign-off is {days(sign_off['km_median'])}."
    elif sign_off:
        sentence += "; with so many still waiting, the median time to sign-off is not yet reached."
    return sentence


def _money_sentence(ctx) -> str:
    total = _budget(ctx).total
    if not total.committed:
        return "No grants have been awarded yet."
    sentence = (
        f"{pounds(total.committed)} has been awarded and {pounds(total.paid)} paid "
        f"({metrics.percent(total.paid, total.committed)}% of the awards)"
    )
    if total.budget:
        sentence += (
            f", against a budget of {pounds(total.budget)} "
            f"({metrics.percent(total.committed, total.budget)}% committed)"
        )
    if total.held:
        sentence += f"; {pounds(total.held)} is held back until its conditions are met"
    return sentence + "."


def programme_executive_summary(ctx: ReportContext) -> dict:
    """The round's position in numbers, and three sentences written from the same numbers."""
    by_stage, by_status = {}, {}
    for row in _round_counts(ctx):
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    total_areas = sum(by_stage.values())
    budget = _budget(ctx).total
    steps = {s.key: s for s in _drop_out(ctx).steps}
    return {
        "as_at": ctx.report_date,
        "figures": [
            ("Applications", steps["admission"].total),
            ("Areas admitted", total_areas),
            ("Active", by_status.get(AreaStatus.ACTIVE, 0)),
            ("Plans signed off", steps["plan_signed_off"].moved_on),
            ("Plans in review", steps["plan_signed_off"].in_progress),
            ("Awarded", pounds(budget.committed)),
            ("Paid", pounds(budget.paid)),
            ("Budget", pounds(budget.budget) if budget.budget is not None else "not set"),
        ],
        "sentences": [
            _position_sentence(ctx, by_stage, by_status, total_areas),
            _sign_off_sentence(ctx),
            _money_sentence(ctx),
        ],
    }
