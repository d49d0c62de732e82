"""Demo outcome indicators: the signed-off plans of areas in implementation get three or four
structured indicators beside their logic model, and the returns those areas have sent report
values for them, so the area page's charts and the returns' trends have something to show in
every status (on track, behind, achieved and no data).

The plans were signed off and the returns sent by the steps before this one, so the indicators
and values are written as the history they stand for (as demo/plans.py writes logic model rows):
the services refuse to change a signed-off plan or a sent return, rightly. Each signed-off
version's frozen copy is given the indicators too, so the plan as signed carries them. Safe to run
again: nothing is done once any demo area has an indicator.
"""

import datetime
from decimal import Decimal

from delivery.models import IndicatorValue, ProgressReturn
from delivery.workflows import SENT_STATUSES
from plans.indicators import (
    IndicatorDirection,
    IndicatorUnit,
    OutcomeIndicator,
    indicators_of,
)
from plans.models import LogicModelRow, PlanVersion
from plans.workflows import PlanStatus
from programmes.models import AreaStage

# name, unit, baseline, target, direction, how it is measured
INDICATORS = [
    (
        "Residents supported into work",
        IndicatorUnit.COUNT,
        Decimal("0"),
        Decimal("60"),
        IndicatorDirection.HIGHER,
        "Job starts recorded by the employment support worker, checked with Jobcentre Plus",
    ),
    (
        "Residents who feel they have a say over local services",
        IndicatorUnit.PERCENTAGE,
        Decimal("22"),
        Decimal("40"),
        IndicatorDirection.HIGHER,
        "Annual door-to-door survey of 180 households",
    ),
    (
        "Emergency hospital admissions of residents over 65",
        IndicatorUnit.COUNT,
        Decimal("140"),
        Decimal("110"),
        IndicatorDirection.LOWER,
        "NHS West Yorkshire ICB admissions data for the ward, per year",
    ),
    (
        "Mainstream money pooled or aligned for the neighbourhood",
        IndicatorUnit.MONEY,
        Decimal("0"),
        Decimal("50000"),
        IndicatorDirection.HIGHER,
        "Letters of commitment from the council and the ICB",
    ),
]
# How far along the straight line each indicator's values run, by turns: ahead of it (on track),
# well short of it (behind), to the target by the latest return (achieved), or never reported
# (no data).
PACES = ["on_track", "behind", "achieved", "no_data"]


def _value(indicator, r, pace, last):
    line = indicator.expected_on(r.period_end)
    moved = line - indicator.baseline_value
    if pace == "achieved" and last:
        value = indicator.target_value + (indicator.target_value - indicator.baseline_value) / 20
    elif pace == "behind":
        value = indicator.baseline_value + moved * Decimal("0.45")
    else:
        value = indicator.baseline_value + moved * Decimal("1.2")
    if indicator.unit == IndicatorUnit.PERCENTAGE:
        value = min(max(value, Decimal(0)), Decimal(100))
    places = Decimal("1") if indicator.unit != IndicatorUnit.MONEY else Decimal("100")
    return value.quantize(places)


def load(ctx=None):
    if ctx is None or not ctx.areas:
        return ctx
    areas = [
        a
        for a in ctx.areas
        if a.stage in (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)
        and getattr(a, "operational_plan", None) is not None
        and a.operational_plan.status == PlanStatus.SIGNED_OFF
    ]
    if not areas or OutcomeIndicator.objects.filter(row__logic_model__area__in=areas).exists():
        return ctx
    for index, area in enumerate(areas):
        rows = list(LogicModelRow.objects.filter(logic_model__area=area).order_by("order", "id"))
        if not rows:
            continue
        returns = list(ProgressReturn.objects.filter(area=area).order_by("period_start", "pk"))
        sent = [r for r in returns if r.status in SENT_STATUSES]
        starts = returns[0].period_start if returns else area.operational_plan.decided_at.date()
        baseline_on = starts - datetime.timedelta(days=45)
        # Two years on, and always after the latest return sent, so the line still has somewhere
        # to go (an area of the finished pilot round has sent returns for years).
        target_on = max(
            baseline_on + datetime.timedelta(days=730),
            (sent[-1].period_end if sent else starts) + datetime.timedelta(days=180),
        )
        count = 3 + index % 2
        for n in range(count):
            name, unit, baseline, target, direction, how = INDICATORS[(index + n) % len(INDICATORS)]
            indicator = OutcomeIndicator.objects.create(
                row=rows[n % len(rows)],
                order=n + 1,
                name=name,
                unit=unit,
                baseline_value=baseline,
                baseline_on=baseline_on,
                target_value=target,
                target_on=target_on,
                direction=direction,
                how_measured=how,
            )
            pace = PACES[(index + n) % len(PACES)]
            if pace == "no_data":
                continue
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(
                        progress_return=r,
                        indicator=indicator,
                        value=_value(indicator, r, pace, last=k == len(sent) - 1),
                        note="From the quarter's monitoring sheet." if k % 2 == 0 else "",
                    )
                    for k, r in enumerate(sent)
                ]
            )
        # The plan as signed carried its indicators.
        frozen = indicators_of(area)
        for version in PlanVersion.objects.filter(plan__area=area, kind="final"):
            version.content = {**version.content, "indicators": frozen}
            version.save(update_fields=["content"])
    ctx.created = True
    return ctx
