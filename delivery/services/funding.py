"""Funding secured: money the area has actually secured, by the plan's funding sources."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.money import pounds
from core.validators import require_single_line
from plans.models import FundingSource
from programmes.models import Area

from .. import permissions as delivery_perms
from ..models import Arrangement, FundingRecord


def _check_funding(source, year, arrangement, amount, funder_name):
    errors = {}
    if source not in FundingSource.values:
        errors["source"] = "Choose a funding source."
    if year is None or not 2000 <= int(year) <= 2100:
        errors["year"] = "Enter the year the financial year starts, e.g. 2027."
    if arrangement not in Arrangement.values:
        errors["arrangement"] = "Choose an arrangement."
    if amount is None or Decimal(amount) < 0:
        errors["amount"] = "Enter an amount of £0 or more."
    if not (funder_name or "").strip():
        errors["funder_name"] = "Say who provides the money."
    if errors:
        raise ValidationError(errors)
    require_single_line(funder_name=funder_name)


@transaction.atomic
def funding_record_save(
    *,
    area: Area,
    actor,
    source: str,
    year: int,
    amount: Decimal,
    funder_name: str,
    arrangement: str = Arrangement.NONE,
    notes: str = "",
    record: FundingRecord | None = None,
) -> FundingRecord:
    """Record (or correct) money secured for the area."""
    require(delivery_perms.can_edit_delivery(actor, area))
    _check_funding(source, year, arrangement, amount, funder_name)
    require_single_line(notes=notes)
    if record is not None:
        record = FundingRecord.objects.select_for_update().get(pk=record.pk, area=area)
    else:
        record = FundingRecord(area=area)
    is_new = record.pk is None
    record.source, record.year, record.arrangement = source, int(year), arrangement
    record.amount, record.funder_name = Decimal(amount), funder_name.strip()
    record.notes, record.recorded_by = notes.strip(), actor
    record.save()
    activity_record(
        verb="funding.recorded" if is_new else "funding.updated",
        summary=f"Funding secured {'recorded' if is_new else 'updated'}: {pounds(record.amount)} "
        f"from {record.funder_name} ({record.get_source_display()}, {record.year_label})",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=record,
    )
    return record


@transaction.atomic
def funding_record_delete(*, record: FundingRecord, actor) -> None:
    require(delivery_perms.can_edit_delivery(actor, record.area))
    activity_record(
        verb="funding.removed",
        summary=f"Funding record removed: {pounds(record.amount)} from {record.funder_name}",
        actor=actor,
        area=record.area,
        visibility=Visibility.AREA,
    )
    record.delete()
