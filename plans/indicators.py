"""Outcome indicators: what an area promised to change, from what baseline, by when, and which
direction counts as better. Each belongs to one logic model row (the row's outcomes are what it
measures); the row's prose ``indicators`` column stays as it was, these sit beside it.

Imported at the foot of ``plans.models`` so Django registers the model with the app. Written only
by ``plans.services.indicators_save`` while the plan is open to changes (the same rule as the
logic model); frozen into each plan version, so they are part of what is signed off.

``indicator_status`` is the one rule for whether an indicator is on track; delivery's returns
report the values it reads (``delivery.indicators``)."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from core.money import pounds
from core.validators import single_line_text

from .models import LogicModelRow

MAX_INDICATORS = 30  # per area: a few per outcome row is plenty; bounds the return form


class IndicatorUnit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    MONEY = "money", "Money (£)"
    SCALE = "scale", "Scale score"


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class IndicatorStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Behind"
    ACHIEVED = "achieved", "Achieved"
    NO_DATA = "no_data", "No data"


class OutcomeIndicator(models.Model):
    row = models.ForeignKey(
        LogicModelRow, on_delete=models.CASCADE, related_name="outcome_indicators"
    )
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(
        max_length=200,
        validators=[single_line_text],
        help_text="What is counted, e.g. “Residents supported into work”.",
    )
    unit = models.CharField(max_length=20, choices=IndicatorUnit.choices)
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2)
    baseline_on = models.DateField("baseline measured on")
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_on = models.DateField("target date")
    direction = models.CharField(
        "better is", max_length=10, choices=IndicatorDirection.choices, default="higher"
    )
    how_measured = models.CharField(
        "how it is measured", max_length=500, validators=[single_line_text]
    )

    class Meta:
        ordering = ["row__order", "row_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_on__gt=F("baseline_on")),
                name="indicator_target_after_baseline",
                violation_error_message="The target date must be after the baseline date.",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[c.value for c in IndicatorUnit]), name="indicator_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[c.value for c in IndicatorDirection]),
                name="indicator_direction_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def expected_on(self, on: datetime.date) -> Decimal:
        """Where a straight line from the baseline to the target puts the indicator on `on`."""
        return expected_value(
            baseline=self.baseline_value,
            baseline_on=self.baseline_on,
            target=self.target_value,
            target_on=self.target_on,
            on=on,
        )

    def as_dict(self) -> dict:
        """What a plan version freezes of it."""
        return {
            "name": self.name,
            "unit": self.unit,
            "unit_label": self.get_unit_display(),
            "baseline_value": str(self.baseline_value),
            "baseline_on": self.baseline_on.isoformat(),
            "target_value": str(self.target_value),
            "target_on": self.target_on.isoformat(),
            "direction": self.direction,
            "how_measured": self.how_measured,
        }


def indicator_problems(values: dict) -> dict[str, str]:
    """{field: message} for an indicator whose fields are each well formed but do not fit
    together; the service refuses them and the editor's form shows them by the field."""
    errors = {}
    if values["target_on"] <= values["baseline_on"]:
        errors["target_on"] = "The target date must be after the baseline date."
    if values["unit"] == IndicatorUnit.PERCENTAGE and not all(
        0 <= values[n] <= 100 for n in ("baseline_value", "target_value")
    ):
        errors["target_value"] = "A percentage is between 0 and 100."
    if values["baseline_value"] == values["target_value"]:
        errors["target_value"] = "The target must differ from the baseline."
    elif (values["target_value"] > values["baseline_value"]) != (
        values["direction"] == IndicatorDirection.HIGHER
    ):
        errors["direction"] = (
            "The target moves the other way from the baseline: check which direction is better."
        )
    return errors


def format_value(value, unit: str) -> str:
    """A value as pages show it: £1,250.00, 45%, 1,200, 3.5."""
    if value is None:
        return "—"
    value = Decimal(value)
    plain = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    if unit == IndicatorUnit.MONEY:
        return pounds(value)
    if unit == IndicatorUnit.PERCENTAGE:
        return f"{plain}%"
    return plain


def expected_value(
    *, baseline: Decimal, baseline_on: datetime.date, target: Decimal, target_on, on
) -> Decimal:
    """Where the indicator should be on `on`, moving in a straight line from the baseline (on its
    date) to the target (on its date); the baseline before it, the target after it."""
    if on <= baseline_on:
        return Decimal(baseline)
    if on >= target_on:
        return Decimal(target)
    share = Decimal((on - baseline_on).days) / Decimal((target_on - baseline_on).days)
    return Decimal(baseline) + (Decimal(target) - Decimal(baseline)) * share


def indicator_status(
    *,
    baseline: Decimal,
    baseline_on: datetime.date,
    target: Decimal,
    target_on: datetime.date,
    direction: str,
    latest: Decimal | None,
    latest_on: datetime.date | None,
) -> str:
    """The indicator's status from its latest reported value (an IndicatorStatus value).

    The rule (also in the glossary, "Indicator status"):
    - no data: no value reported yet;
    - achieved: the latest value has reached the target (at or above it when higher is better,
      at or below it when lower is better), whenever it was reported;
    - on track: not yet at the target, but at least as good as a straight line from the baseline
      on its date to the target on its date expects by the end of the period the value was
      reported for (``latest_on``);
    - behind: worse than that line expects (which includes every value after the target date that
      has not reached the target).
    """
    if latest is None:
        return IndicatorStatus.NO_DATA.value
    latest = Decimal(latest)
    sign = 1 if direction == IndicatorDirection.HIGHER else -1
    if sign * (latest - Decimal(target)) >= 0:
        return IndicatorStatus.ACHIEVED.value
    expected = expected_value(
        baseline=baseline,
        baseline_on=baseline_on,
        target=target,
        target_on=target_on,
        on=latest_on or target_on,
    )
    if sign * (latest - expected) >= 0:
        return IndicatorStatus.ON_TRACK.value
    return IndicatorStatus.BEHIND.value


def indicators_of(area) -> list[dict]:
    """The area's indicators as a plan version freezes them, each with the number of the logic
    model row it measures (one query)."""
    indicators = list(
        OutcomeIndicator.objects.filter(row__logic_model__area=area).select_related("row")
    )
    numbers = (
        {
            pk: n
            for n, pk in enumerate(
                LogicModelRow.objects.filter(logic_model__area=area)
                .order_by("order", "id")
                .values_list("pk", flat=True),
                1,
            )
        }
        if indicators
        else {}
    )
    return [{"row_number": numbers.get(i.row_id), **i.as_dict()} for i in indicators]


def for_display(items: list[dict]) -> list[dict]:
    """Frozen or current indicators (``as_dict`` shape) with their values and dates as pages show
    them."""
    out = []
    for item in items:
        out.append(
            {
                **item,
                "baseline_label": format_value(item["baseline_value"], item["unit"]),
                "target_label": format_value(item["target_value"], item["unit"]),
                "baseline_date": datetime.date.fromisoformat(item["baseline_on"]),
                "target_date": datetime.date.fromisoformat(item["target_on"]),
                "direction_label": IndicatorDirection(item["direction"]).label,
            }
        )
    return out
