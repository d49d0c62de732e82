"""CBA forecast against outturn, worked by hand at a 10% discount rate so the figures are round:
forecast costs £1,000 (year 0) and £1,100 (year 1); forecast benefit £2,200 in year 1 with 50%
optimism bias (counted as £1,100). Outturn: costs £1,200 and £550, an unforeseen year-1 cost of
£110, and the benefit came to £1,650."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from delivery.comparisons import compare_cba
from delivery.models import CbaOutturnLine
from delivery.selectors import cba_forecast_vs_outturn
from delivery.services import outturn_line_save
from plans.tests.factories import BenefitLineFactory, CbaFactory, CostLineFactory

from .factories import OutturnLineFactory

M = Decimal


@pytest.fixture
def cba(impl_area):
    cba = CbaFactory(area=impl_area, discount_rate_pct=M("10"))
    CostLineFactory(cba=cba, year=0, description="Set-up", amount=M("1000"))
    CostLineFactory(cba=cba, year=1, description="Link worker", amount=M("1100"))
    BenefitLineFactory(
        cba=cba, year=1, description="Avoided visits", amount=M("2200"), optimism_bias_pct=M("50")
    )
    return cba


@pytest.fixture
def outturn(cba, impl_area, impl_lead):
    setup, worker = cba.costs.order_by("year")
    benefit = cba.benefits.get()
    outturn_line_save(
        area=impl_area, actor=impl_lead, kind="cost", cost_line=setup, actual_amount=M("1200")
    )
    outturn_line_save(
        area=impl_area, actor=impl_lead, kind="cost", cost_line=worker, actual_amount=M("550")
    )
    outturn_line_save(
        area=impl_area,
        actor=impl_lead,
        kind="benefit",
        benefit_line=benefit,
        actual_amount=M("1650"),
    )
    outturn_line_save(
        area=impl_area,
        actor=impl_lead,
        kind="cost",
        year=1,
        description="Venue hire",
        actual_amount=M("110"),
    )


def test_line_by_line(impl_area, cba, outturn):
    result = cba_forecast_vs_outturn(impl_area)
    lines = [
        (x.kind, x.year, x.forecast, x.actual, x.variance, x.variance_pct) for x in result.lines
    ]
    assert lines == [
        ("cost", 0, M("1000"), M("1200"), M("200"), M("20.0")),
        ("cost", 1, M("1100"), M("550"), M("-550"), M("-50.0")),
        ("cost", 1, None, M("110"), M("110"), None),  # not in the analysis
        ("benefit", 1, M("1100.00"), M("1650"), M("550.00"), M("50.0")),
    ]
    assert (result.lines_with_outturn, result.forecast_lines) == (3, 3)


def test_totals_undiscounted_and_discounted(impl_area, cba, outturn):
    r = cba_forecast_vs_outturn(impl_area)
    assert (r.costs.forecast, r.costs.actual) == (M("2100"), M("1860"))
    assert r.costs.variance == M("-240")
    assert r.costs.variance_pct == M("-11.4")  # -240 / 2,100
    # Present values: 1,000 + 1,100 / 1.1 = 2,000 forecast; 1,200 + 660 / 1.1 = 1,800 outturn.
    assert (r.pv_costs.forecast, r.pv_costs.actual) == (M("2000.00"), M("1800.00"))
    assert r.pv_costs.variance_pct == M("-10.0")
    # Benefits: 1,100 / 1.1 = 1,000 forecast; 1,650 / 1.1 = 1,500 outturn.
    assert (r.pv_benefits.forecast, r.pv_benefits.actual) == (M("1000.00"), M("1500.00"))
    assert r.pv_benefits.variance == M("500.00") and r.pv_benefits.variance_pct == M("50.0")
    assert (r.forecast_bcr, r.outturn_bcr) == (M("0.50"), M("0.83"))
    assert (r.npv.forecast, r.npv.actual) == (M("-1000.00"), M("-300.00"))


def test_forecast_without_outturn_shows_no_variance(cba):
    r = compare_cba(
        discount_rate_pct=M("10"), costs=cba.costs.all(), benefits=cba.benefits.all(), outturns=[]
    )
    assert all(x.actual is None and x.variance is None for x in r.lines)
    assert r.costs.actual == 0 and r.lines_with_outturn == 0


def test_area_without_cba_has_no_comparison_and_cannot_record(impl_area, impl_lead):
    assert cba_forecast_vs_outturn(impl_area) is None
    with pytest.raises(ValidationError):
        outturn_line_save(
            area=impl_area,
            actor=impl_lead,
            kind="cost",
            year=0,
            description="x",
            actual_amount=M("1"),
        )


def test_one_outturn_per_forecast_line(impl_area, impl_lead, cba):
    line = cba.costs.first()
    outturn_line_save(area=impl_area, actor=impl_lead, kind="cost", cost_line=line, actual_amount=1)
    with pytest.raises(ValidationError) as exc:
        outturn_line_save(
            area=impl_area, actor=impl_lead, kind="cost", cost_line=line, actual_amount=2
        )
    assert "already has an outturn" in str(exc.value)


def test_year_comes_from_the_forecast_line(impl_area, impl_lead, cba):
    line = cba.costs.get(year=1)
    saved = outturn_line_save(
        area=impl_area, actor=impl_lead, kind="cost", cost_line=line, year=7, actual_amount=1
    )
    assert saved.year == 1 and saved.description == "Link worker"


def test_a_benefit_outturn_cannot_answer_a_cost_line(impl_area, impl_lead, cba):
    with pytest.raises(ValidationError):
        outturn_line_save(
            area=impl_area,
            actor=impl_lead,
            kind="benefit",
            cost_line=cba.costs.first(),
            actual_amount=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        OutturnLineFactory(area=impl_area, kind="benefit", cost_line=cba.costs.first())


def test_another_areas_forecast_line_is_refused(impl_area, impl_lead, cba):
    elsewhere = CostLineFactory()
    with pytest.raises(ValidationError) as exc:
        outturn_line_save(
            area=impl_area, actor=impl_lead, kind="cost", cost_line=elsewhere, actual_amount=1
        )
    assert "forecast_line" in exc.value.error_dict


def test_unforeseen_line_needs_a_description(impl_area, impl_lead, cba):
    with pytest.raises(ValidationError) as exc:
        outturn_line_save(area=impl_area, actor=impl_lead, kind="cost", year=0, actual_amount=1)
    assert "description" in exc.value.error_dict


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "other_lead"])
def test_read_only_roles_cannot_record(request, impl_area, cba, who):
    with pytest.raises(PermissionDenied):
        outturn_line_save(
            area=impl_area,
            actor=request.getfixturevalue(who),
            kind="cost",
            cost_line=cba.costs.first(),
            actual_amount=1,
        )
    assert not CbaOutturnLine.objects.exists()


def test_like_for_like_totals_while_outturn_is_coming_in(impl_area, impl_lead, cba):
    outturn_line_save(
        area=impl_area,
        actor=impl_lead,
        kind="cost",
        cost_line=cba.costs.get(year=0),
        actual_amount=M("1200"),
    )
    r = cba_forecast_vs_outturn(impl_area)
    # The whole analysis: 2,100 forecast against 1,200 so far; like for like: 1,000 against 1,200.
    assert (r.costs.forecast, r.costs.actual) == (M("2100"), M("1200"))
    assert (r.costs_so_far.forecast, r.costs_so_far.actual) == (M("1000"), M("1200"))
    assert r.costs_so_far.variance_pct == M("20.0")
    assert (r.benefits_so_far.forecast, r.benefits_so_far.actual) == (M("0"), M("0"))


def test_the_outturn_picker_shows_the_forecast_the_table_shows(
    client_for, impl_area, impl_lead, cba
):
    """Issue 14: the picker offered the gross £2,200 while the table beside it counted £1,100
    after optimism bias; both now show the one forecast."""
    from django.urls import reverse

    page = client_for(impl_lead).get(reverse("delivery:area_outturn", args=[impl_area.reference]))
    body = page.content.decode()
    picker = body[body.index('name="forecast_line"') : body.index("</select>")]
    assert "£1,100.00 after 50% optimism bias" in picker
    assert "£2,200" not in picker
    assert "£1,100.00" in body[body.index("<table") :]
