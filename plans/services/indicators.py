"""Writing an area's outcome indicators (``plans.indicators.OutcomeIndicator``), beside its logic
model and under the same rule: the lead organisation, while the plan is open to changes."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from programmes.models import Area

from ..indicators import (
    MAX_INDICATORS,
    IndicatorDirection,
    IndicatorUnit,
    OutcomeIndicator,
    indicator_problems,
)
from ..models import LogicModel
from .writing import _plan_for_edit

FIELDS = (
    "row",
    "name",
    "unit",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "direction",
    "how_measured",
)
LABELS = {
    "row": "logic model row",
    "name": "name",
    "unit": "unit",
    "baseline_value": "baseline",
    "baseline_on": "baseline date",
    "target_value": "target",
    "target_on": "target date",
    "direction": "better is",
    "how_measured": "how it is measured",
}


def _check(number: int, values: dict, rows: dict) -> dict:
    """The indicator's fields, cleaned; a ValidationError names the indicator and the field."""
    errors = {}
    cleaned = {}
    row = values.get("row")
    row_pk = getattr(row, "pk", row)
    if row_pk not in rows:
        errors["row"] = "Choose a row of this area's logic model."
    else:
        cleaned["row"] = rows[row_pk]
    for name in ("name", "how_measured"):
        text = str(values.get(name) or "").strip()
        if not text:
            errors[name] = "This field is required."
        cleaned[name] = text
    for name, choices in (("unit", IndicatorUnit), ("direction", IndicatorDirection)):
        if values.get(name) not in choices.values:
            errors[name] = "Choose from the list."
        cleaned[name] = values.get(name)
    for name in ("baseline_value", "target_value"):
        try:
            number_value = Decimal(str(values.get(name)))
            if not number_value.is_finite() or abs(number_value) >= Decimal("1e10"):
                raise InvalidOperation
            cleaned[name] = number_value.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError, TypeError):
            errors[name] = "Enter a number."
    for name in ("baseline_on", "target_on"):
        if not isinstance(values.get(name), datetime.date):
            errors[name] = "Enter a date."
        cleaned[name] = values.get(name)
    if not errors:
        errors.update(indicator_problems(cleaned))
    if errors:
        raise ValidationError(
            [f"Indicator {number}, {LABELS[field]}: {message}" for field, message in errors.items()]
        )
    obj = OutcomeIndicator(**cleaned)
    obj.full_clean(exclude=["row", "order"])
    return cleaned


@transaction.atomic
def indicators_save(*, area: Area, actor, indicators: list[dict]) -> list[OutcomeIndicator]:
    """Replace the area's outcome indicators with `indicators`, in the order given. Each is
    {row, name, unit, baseline_value, baseline_on, target_value, target_on, direction,
    how_measured} and, to edit a saved one, its `id`. Refused whole: by anyone but the area's
    lead organisation or once the plan is no longer open to changes (as the logic model), for a
    row outside the area's logic model, over MAX_INDICATORS, for a target date not after the
    baseline date, a target no different from the baseline or moving against the direction said
    to be better, and for removing an indicator that a progress return has reported."""
    _plan_for_edit(area, actor)
    logic_model = LogicModel.objects.select_for_update().filter(area=area).first()
    if logic_model is None:
        raise ValidationError(
            "Write the logic model first: each indicator measures one of its rows."
        )
    if len(indicators) > MAX_INDICATORS:
        raise ValidationError(
            f"A plan can have at most {MAX_INDICATORS} outcome indicators "
            f"(this has {len(indicators)}): remove some."
        )
    rows = {r.pk: r for r in logic_model.rows.all()}
    saved = {i.pk: i for i in OutcomeIndicator.objects.filter(row__logic_model=logic_model)}
    messages, cleaned = [], []
    for number, values in enumerate(indicators, 1):
        try:
            cleaned.append(
                (getattr(values.get("id"), "pk", values.get("id")), _check(number, values, rows))
            )
        except ValidationError as exc:
            messages += exc.messages
    if messages:
        raise ValidationError(messages)
    kept_pks = {pk for pk, _ in cleaned if pk in saved}
    removed = [i for pk, i in saved.items() if pk not in kept_pks]
    reported = OutcomeIndicator.objects.filter(
        pk__in=[i.pk for i in removed], values__isnull=False
    ).distinct()
    if reported:
        raise ValidationError(
            [
                f"“{i.name}” cannot be removed: progress returns have reported values for it."
                for i in reported
            ]
        )
    OutcomeIndicator.objects.filter(pk__in=[i.pk for i in removed]).delete()
    result, used = [], set()
    for order, (pk, values) in enumerate(cleaned, 1):
        obj = saved[pk] if pk in kept_pks and pk not in used else OutcomeIndicator()
        used.add(pk)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.order = order
        obj.save()
        result.append(obj)
    activity_record(
        verb="indicators.saved",
        summary=f"Outcome indicators saved ({len(result)})",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=logic_model,
    )
    return result
