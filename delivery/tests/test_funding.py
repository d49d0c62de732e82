"""Planned against secured funding: hand-worked numbers and the evaluation's labels."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import ActivityEntry
from delivery.comparisons import compare_funding, outcome_label
from delivery.models import FundingRecord
from delivery.selectors import funding_planned_vs_secured
from delivery.services import funding_record_delete, funding_record_save
from plans.models import ResourcingLine
from plans.tests.factories import PlanFactory

from .factories import FundingRecordFactory

M = Decimal


@pytest.mark.parametrize(
    "planned,secured,label",
    [
        ("1000", "1200", "more than planned"),
        ("1000", "1000", "as planned"),
        ("1000", "999.99", "less than planned"),
        ("1000", "0", "none"),
        ("0", "500", "more than planned"),  # not planned at all, but secured
        ("0", "0", "none"),
    ],
)
def test_outcome_labels(planned, secured, label):
    assert outcome_label(M(planned), M(secured)) == label


PLANNED = [
    ("la_mainstream", 2026, M("10000")),
    ("la_mainstream", 2027, M("10000")),
    ("external_grants", 2026, M("5000")),
    ("in_kind", 2026, M("3000")),
]
SECURED = [
    ("la_mainstream", 2026, M("6000")),
    ("la_mainstream", 2026, M("6000")),  # two records add up to 12,000
    ("external_grants", 2026, M("5000")),
    ("in_kind", 2026, M("1000")),
    ("commissioned", 2026, M("2500")),  # not in the plan
]


def test_rows_by_source_and_year():
    result = compare_funding(planned=PLANNED, secured=SECURED)
    rows = [(r.source, r.year, r.planned, r.secured, r.difference, r.outcome) for r in result.rows]
    assert rows == [
        ("la_mainstream", 2026, M("10000"), M("12000"), M("2000"), "more than planned"),
        ("la_mainstream", 2027, M("10000"), M("0"), M("-10000"), "none"),
        ("commissioned", 2026, M("0"), M("2500"), M("2500"), "more than planned"),
        ("external_grants", 2026, M("5000"), M("5000"), M("0"), "as planned"),
        ("in_kind", 2026, M("3000"), M("1000"), M("-2000"), "less than planned"),
    ]


def test_per_source_totals_and_grand_total():
    result = compare_funding(planned=PLANNED, secured=SECURED)
    by_source = {r.source: (r.planned, r.secured, r.outcome) for r in result.sources}
    assert by_source == {
        "la_mainstream": (M("20000"), M("12000"), "less than planned"),
        "commissioned": (M("0"), M("2500"), "more than planned"),
        "external_grants": (M("5000"), M("5000"), "as planned"),
        "in_kind": (M("3000"), M("1000"), "less than planned"),
    }
    assert result.total.planned == M("28000")
    assert result.total.secured == M("20500")
    assert result.total.difference == M("-7500")
    assert result.total.secured_pct == M("73.2")  # 20,500 / 28,000 = 73.21%
    assert result.total.outcome == "less than planned"


def test_selector_reads_plan_lines_and_records(impl_area):
    plan = PlanFactory(area=impl_area)
    ResourcingLine.objects.create(
        plan=plan, source="la_mainstream", year=2026, planned_amount=M("8000")
    )
    FundingRecordFactory(area=impl_area, source="la_mainstream", year=2026, amount=M("8000"))
    FundingRecordFactory(source="la_mainstream", year=2026, amount=M("99"))  # another area
    result = funding_planned_vs_secured(impl_area)
    assert [(r.planned, r.secured, r.outcome) for r in result.rows] == [
        (M("8000"), M("8000"), "as planned")
    ]


def test_empty_area_has_no_rows(impl_area):
    assert funding_planned_vs_secured(impl_area).is_empty


def test_lead_records_funding_with_an_activity_entry(impl_area, impl_lead):
    record = funding_record_save(
        area=impl_area,
        actor=impl_lead,
        source="statutory_pooled",
        year=2026,
        amount=M("15000"),
        funder_name="NHS West Yorkshire",
        arrangement="pooled",
    )
    assert record.recorded_by == impl_lead
    assert "£15,000.00 from NHS West Yorkshire" in ActivityEntry.objects.get().summary


def test_bad_values_are_refused_next_to_the_field(impl_area, impl_lead):
    with pytest.raises(ValidationError) as exc:
        funding_record_save(
            area=impl_area,
            actor=impl_lead,
            source="lottery",
            year=1990,
            amount=M("-1"),
            funder_name="",
        )
    assert set(exc.value.error_dict) == {"source", "year", "amount", "funder_name"}


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "other_lead"])
def test_read_only_roles_and_other_areas_cannot_record(request, impl_area, who):
    with pytest.raises(PermissionDenied):
        funding_record_save(
            area=impl_area,
            actor=request.getfixturevalue(who),
            source="in_kind",
            year=2026,
            amount=M("1"),
            funder_name="X",
        )
    record = FundingRecordFactory(area=impl_area)
    with pytest.raises(PermissionDenied):
        funding_record_delete(record=record, actor=request.getfixturevalue(who))
    assert FundingRecord.objects.filter(pk=record.pk).exists()
