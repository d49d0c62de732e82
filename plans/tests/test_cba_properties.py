"""Property-based tests (hypothesis) of the CBA calculator and the CBA service (issue 11): any
input either computes or is refused with a line and field message; never an unhandled exception,
never a partial write."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activity.models import ActivityEntry
from plans import bounds, services
from plans.cba import ZERO, calculate
from plans.models import BenefitLine, BenefitType, CostBenefitAnalysis, CostLine

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

money = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)
percent = st.decimals(min_value=0, max_value=100, places=2)
years = st.integers(min_value=0, max_value=bounds.MAX_CBA_YEAR)


# The calculator -----------------------------------------------------------------------------


@PROPERTY
@given(
    rate=percent,
    costs=st.lists(st.builds(SimpleNamespace, year=years, amount=money), max_size=20),
    benefits=st.lists(
        st.builds(SimpleNamespace, year=years, amount=money, optimism_bias_pct=percent),
        max_size=20,
    ),
)
def test_the_calculator_adds_up_for_any_valid_lines(rate, costs, benefits):
    result = calculate(discount_rate_pct=rate, costs=costs, benefits=benefits)
    assert result.total_costs == sum((c.amount for c in costs), ZERO)
    assert result.total_benefits_gross == sum((b.amount for b in benefits), ZERO)
    assert result.total_benefits <= result.total_benefits_gross
    assert result.npv == result.pv_benefits - result.pv_costs
    assert result.pv_costs == sum((r.pv_costs for r in result.rows), ZERO)
    assert result.pv_costs <= result.total_costs  # discounting never adds
    lines = [*costs, *benefits]
    assert len(result.rows) == (max(x.year for x in lines) + 1 if lines else 0)
    assert (result.bcr is None) == (result.pv_costs == 0)
    if result.payback_year is not None:
        row = result.rows[result.payback_year]
        assert row.cumulative_pv_benefits >= row.cumulative_pv_costs > 0


# The service --------------------------------------------------------------------------------

anything = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
cost_line = st.fixed_dictionaries(
    {
        "year": st.one_of(years, anything),
        "description": st.text(max_size=320),
        "amount": st.one_of(money, anything),
        "borne_by": st.text(max_size=210),
    }
)
benefit_line = st.fixed_dictionaries(
    {
        "year": st.one_of(years, anything),
        "description": st.text(max_size=320),
        "amount": st.one_of(money, anything),
        "benefit_type": st.one_of(st.sampled_from(BenefitType.values), st.text(max_size=10)),
        "optimism_bias_pct": st.one_of(percent, anything),
    },
    optional={"agency": st.text(max_size=210), "evidence_source": st.text(max_size=310)},
)


def _state(area):
    return (
        CostBenefitAnalysis.objects.filter(area=area).count(),
        CostLine.objects.filter(cba__area=area).count(),
        BenefitLine.objects.filter(cba__area=area).count(),
        ActivityEntry.objects.filter(area=area).count(),
    )


class _Undo(Exception):
    """Raised to roll an example's writes back, so each example starts from the same state."""


@PROPERTY
@given(
    costs=st.lists(cost_line, max_size=4),
    benefits=st.lists(benefit_line, max_size=4),
    notes=st.text(max_size=50),
)
def test_cba_save_computes_or_refuses_whole(gg_area, author, costs, benefits, notes):
    before = _state(gg_area)
    try:
        with transaction.atomic():
            try:
                cba = services.cba_save(
                    area=gg_area, actor=author, costs=costs, benefits=benefits, notes=notes
                )
            except ValidationError as exc:
                assert exc.messages and all(m.strip() for m in exc.messages)
                assert _state(gg_area) == before, "a refused save wrote something"
            else:
                result = services.cba_calculate(cba)
                assert len(costs) == cba.costs.count() and len(benefits) == cba.benefits.count()
                assert result.npv == result.pv_benefits - result.pv_costs
            raise _Undo
    except _Undo:
        pass


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    year=st.text(max_size=8) | st.integers(-100, 40000).map(str),
    amount=st.text(max_size=16) | st.decimals(allow_nan=False, places=3).map(str),
    bias=st.text(max_size=6) | st.integers(-5, 200).map(str),
)
def test_the_cba_page_never_fails_whatever_is_typed(
    client_for, gg_area, author, year, amount, bias
):
    data = {
        "costs-TOTAL_FORMS": "1",
        "costs-INITIAL_FORMS": "0",
        "costs-0-year": year,
        "costs-0-description": "Worker",
        "costs-0-amount": amount,
        "costs-0-borne_by": "Council",
        "benefits-TOTAL_FORMS": "1",
        "benefits-INITIAL_FORMS": "0",
        "benefits-0-year": year,
        "benefits-0-description": "Fewer admissions",
        "benefits-0-amount": amount,
        "benefits-0-benefit_type": "fiscal",
        "benefits-0-optimism_bias_pct": bias,
        "notes": "",
    }
    try:
        with transaction.atomic():
            response = client_for(author).post(
                reverse("plans:cba_edit", args=[gg_area.reference]), data
            )
            assert response.status_code in (200, 302)
            saved = CostLine.objects.filter(cba__area=gg_area).count()
            # Saved whole (one cost and one benefit) or refused on the page with nothing saved.
            assert saved == (1 if response.status_code == 302 else 0)
            assert BenefitLine.objects.filter(cba__area=gg_area).count() == saved
            raise _Undo
    except _Undo:
        pass


def test_an_infinite_year_is_a_field_message_not_a_crash(gg_area, author):
    """Found by the property above: Django's integer cleaning raised OverflowError (a 500)."""
    line = {"year": Decimal("Infinity"), "description": "x", "amount": 1, "borne_by": "LA"}
    with pytest.raises(ValidationError) as exc:
        services.cba_save(area=gg_area, actor=author, costs=[line], benefits=[])
    assert exc.value.messages == ["Cost line 1, year: Enter a number."]
    assert not CostBenefitAnalysis.objects.exists()
