"""Outcome indicators in delivery: which indicators a return asks about, the values reported so
far, each indicator's trend and status, and the area page's panel of small charts.

The status rule is ``plans.indicators.indicator_status`` (one place; the glossary says it in
words). A value counts once its return has been sent (submitted, sent back for changes or
accepted): a draft's figures are the area's work in progress, not a report. An indicator's latest
value is the one reported for the latest period; it is judged against the straight line from
baseline to target at the end of that period.

Which indicators a return asks about ("due"): every indicator of the area's plan whose target date
is on or after the start of the return's period, i.e. every indicator still running in that
period (one whose target date passed before the period began has had its final value), plus any
the return already holds a value for. So each return reports the latest value of every live
indicator, and the trend has a point per period. A final report (grant closure) asks about every
indicator of the plan: its values are the grant's final results, each judged against its target.

Every function here runs a fixed number of queries, whatever the number of areas, indicators or
returns (``indicator_statuses_for_areas``: two).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from plans.indicators import (
    IndicatorStatus,
    IndicatorUnit,
    OutcomeIndicator,
    format_value,
    indicator_status,
)

from .models import IndicatorValue, ProgressReturn
from .workflows import SENT_STATUSES


@dataclass
class Point:
    on: datetime.date  # the end of the period the value was reported for
    value: Decimal
    note: str = ""
    return_id: int | None = None
    unit: str = ""

    @property
    def label(self) -> str:
        return format_value(self.value, self.unit)


@dataclass
class Trend:
    indicator: OutcomeIndicator
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def status(self) -> str:
        i, latest = self.indicator, self.latest
        return indicator_status(
            baseline=i.baseline_value,
            baseline_on=i.baseline_on,
            target=i.target_value,
            target_on=i.target_on,
            direction=i.direction,
            latest=latest.value if latest else None,
            latest_on=latest.on if latest else None,
        )

    @property
    def status_label(self) -> str:
        return IndicatorStatus(self.status).label

    @property
    def expected_label(self) -> str:
        """What the straight line expects at the latest value's date."""
        i, latest = self.indicator, self.latest
        if latest is None:
            return ""
        expected = i.expected_on(latest.on)
        # A count is of whole things (people, homes): the line expects 128, not 128.13.
        step = Decimal("1") if i.unit == IndicatorUnit.COUNT else Decimal("0.01")
        return format_value(expected.quantize(step, rounding=ROUND_HALF_UP), i.unit)

    @property
    def baseline_label(self) -> str:
        return format_value(self.indicator.baseline_value, self.indicator.unit)

    @property
    def target_label(self) -> str:
        return format_value(self.indicator.target_value, self.indicator.unit)

    def chart_data(self) -> dict:
        """A line of the values so far from the baseline, and the straight line to the target,
        on one date axis; the chart's table carries the same figures."""
        i = self.indicator
        dates = sorted({i.baseline_on, i.target_on, *(p.on for p in self.points)})
        values = {i.baseline_on: i.baseline_value, **{p.on: p.value for p in self.points}}
        return {
            "labels": [f"{d:%-d %b %Y}" for d in dates],
            "values": [float(values[d]) if d in values else None for d in dates],
            # Only its two ends: the chart joins them (spanGaps), the straight line of the rule.
            "expected": [
                float(i.baseline_value)
                if d == i.baseline_on
                else float(i.target_value)
                if d == i.target_on
                else None
                for d in dates
            ],
            "target": float(i.target_value),
            "unit": i.unit,
            "name": i.name,
        }


def _indicators(area_ids):
    return OutcomeIndicator.objects.filter(row__logic_model__area_id__in=area_ids).annotate(
        # The area the indicator belongs to, without loading its row and logic model.
        area_key=F("row__logic_model__area_id")
    )


def _sent_values(indicator_ids, *, before=None):
    qs = IndicatorValue.objects.filter(
        indicator_id__in=indicator_ids, progress_return__status__in=SENT_STATUSES
    )
    if before is not None:
        qs = qs.filter(progress_return__period_start__lt=before)
    return qs.values_list(
        "indicator_id", "progress_return__period_end", "value", "note", "progress_return_id"
    ).order_by("progress_return__period_end", "pk")


def trends_for_areas(area_ids) -> dict[int, list[Trend]]:
    """{area id: [Trend, ...]} for every indicator of the areas, in the plan's order (two
    queries)."""
    indicators = list(_indicators(area_ids))
    by_id = {i.pk: Trend(i) for i in indicators}
    for indicator_id, on, value, note, return_id in _sent_values(list(by_id)):
        trend = by_id[indicator_id]
        trend.points.append(Point(on, value, note, return_id, trend.indicator.unit))
    result = defaultdict(list)
    for i in indicators:
        result[i.area_key].append(by_id[i.pk])
    return dict(result)


def indicator_statuses_for_areas(area_ids) -> dict[int, Counter]:
    """{area id: Counter(status -> number of indicators)} for the areas' outcome indicators,
    statuses being ``plans.indicators.IndicatorStatus`` values (on_track, behind, achieved,
    no_data). Areas without indicators are left out. Two queries, whatever the number of areas."""
    return {
        area_id: Counter(t.status for t in trends)
        for area_id, trends in trends_for_areas(list(area_ids)).items()
    }


def area_trends(area) -> list[Trend]:
    return trends_for_areas([area.pk]).get(area.pk, [])


@dataclass
class DueIndicator:
    """One indicator a return asks about: the values reported in earlier returns (the trend a
    reviewer reads), and this return's value and note if it has one."""

    trend: Trend
    value: IndicatorValue | None

    @property
    def indicator(self):
        return self.trend.indicator

    @property
    def value_label(self) -> str:
        return format_value(self.value.value, self.indicator.unit) if self.value else ""

    @property
    def status(self) -> str:
        """The indicator's status with this return's value as the latest (a final report's:
        whether the target was reached); with no value here, the trend's."""
        if self.value is None:
            return self.trend.status
        i = self.indicator
        return indicator_status(
            baseline=i.baseline_value,
            baseline_on=i.baseline_on,
            target=i.target_value,
            target_on=i.target_on,
            direction=i.direction,
            latest=self.value.value,
            latest_on=self.value.progress_return.period_end,
        )

    @property
    def status_label(self) -> str:
        return IndicatorStatus(self.status).label


def indicators_due(progress_return: ProgressReturn) -> list[DueIndicator]:
    """The indicators `progress_return` asks about (see the module's docstring; a final report
    asks for the final value of every indicator of the plan, finished or not), each with its
    earlier values (three queries)."""
    held = {v.indicator_id: v for v in progress_return.indicator_values.all()}
    for value in held.values():
        value.progress_return = progress_return  # its status is judged at the period's end
    indicators = [
        i
        for i in _indicators([progress_return.area_id])
        if progress_return.is_final or i.target_on >= progress_return.period_start or i.pk in held
    ]
    trends = {i.pk: Trend(i) for i in indicators}
    for indicator_id, on, value, note, return_id in _sent_values(
        list(trends), before=progress_return.period_start
    ):
        trend = trends[indicator_id]
        trend.points.append(Point(on, value, note, return_id, trend.indicator.unit))
    return [DueIndicator(trends[i.pk], held.get(i.pk)) for i in indicators]


def area_panel(*, area, user) -> dict:
    """The area page's outcome indicators panel: shown when the area has any."""
    trends = area_trends(area)
    return {
        "area": area,
        "show": bool(trends),
        "trends": [
            {"trend": t, "chart_id": f"indicator-chart-{t.indicator.pk}", "data": t.chart_data()}
            for t in trends
        ],
        "counts": Counter(t.status for t in trends),
        "statuses": IndicatorStatus.choices,
    }
