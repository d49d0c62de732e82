"""CBA outturn: what each forecast cost or benefit actually came to."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.money import pounds
from core.validators import require_single_line
from plans.models import BenefitLine, CostLine
from programmes.models import Area

from .. import permissions as delivery_perms
from ..models import CbaOutturnLine, LineKind


@transaction.atomic
def outturn_line_save(
    *,
    area: Area,
    actor,
    kind: str,
    actual_amount: Decimal,
    year: int | None = None,
    cost_line: CostLine | None = None,
    benefit_line: BenefitLine | None = None,
    description: str = "",
    notes: str = "",
    line: CbaOutturnLine | None = None,
) -> CbaOutturnLine:
    """Record what a forecast cost or benefit actually came to (or an unforeseen one, with a
    description and year). A forecast line has one outturn; its year is the forecast's."""
    require(delivery_perms.can_edit_delivery(actor, area))
    require_single_line(description=description, notes=notes)
    cba = getattr(area, "cba", None)
    if cba is None:
        raise ValidationError("This area has no cost benefit analysis to compare with.")
    errors = {}
    if kind not in LineKind.values:
        errors["kind"] = "Choose cost or benefit."
    forecast = cost_line if kind == LineKind.COST else benefit_line
    other = benefit_line if kind == LineKind.COST else cost_line
    if other is not None:
        errors["kind"] = f"A {kind} outturn can only answer a forecast {kind} line."
    if forecast is not None:
        if forecast.cba_id != cba.pk:
            errors["forecast_line"] = "Choose a line from this area's analysis."
        else:
            year = forecast.year
            taken = CbaOutturnLine.objects.filter(**{f"{kind}_line": forecast})
            if line is not None:
                taken = taken.exclude(pk=line.pk)
            if taken.exists():
                errors["forecast_line"] = "This forecast line already has an outturn: edit it."
    elif not description.strip():
        errors["description"] = "Describe the cost or benefit the analysis did not foresee."
    if year is None or int(year) < 0:
        errors["year"] = "Enter the year (0 is the first year)."
    if actual_amount is None or Decimal(actual_amount) < 0:
        errors["actual_amount"] = "Enter an amount of £0 or more."
    if errors:
        raise ValidationError(errors)
    if line is not None:
        line = CbaOutturnLine.objects.select_for_update().get(pk=line.pk, area=area)
    else:
        line = CbaOutturnLine(area=area)
    is_new = line.pk is None
    line.kind = kind
    line.cost_line = cost_line if kind == LineKind.COST else None
    line.benefit_line = benefit_line if kind == LineKind.BENEFIT else None
    line.year = int(year)
    line.description = description.strip() or (forecast.description if forecast else "")
    line.actual_amount = Decimal(actual_amount)
    line.notes, line.recorded_by = notes.strip(), actor
    line.save()
    activity_record(
        verb="cba_outturn.recorded" if is_new else "cba_outturn.updated",
        summary=f"CBA outturn {'recorded' if is_new else 'updated'}: {line.description} "
        f"(year {line.year}) {pounds(line.actual_amount)}",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=line,
    )
    return line


@transaction.atomic
def outturn_line_delete(*, line: CbaOutturnLine, actor) -> None:
    require(delivery_perms.can_edit_delivery(actor, line.area))
    activity_record(
        verb="cba_outturn.removed",
        summary=f"CBA outturn removed: {line.description} (year {line.year})",
        actor=actor,
        area=line.area,
        visibility=Visibility.AREA,
    )
    line.delete()
