"""CBA arithmetic against examples worked by hand."""

from decimal import Decimal as D

import pytest

from plans import services
from plans.cba import adjusted_benefit, calculate, discount_factor

from .factories import BenefitLineFactory, CbaFactory, CostLineFactory


class Line:
    def __init__(self, year, amount, bias="0"):
        self.year, self.amount, self.optimism_bias_pct = year, D(amount), D(bias)


def test_ten_percent_example_npv_bcr_payback():
    # 1,000 spent now; 1,100 next year and 1,210 the year after are each worth 1,000 today.
    result = calculate(
        discount_rate_pct=D("10"),
        costs=[Line(0, "1000")],
        benefits=[Line(1, "1100"), Line(2, "1210")],
    )
    assert [r.pv_benefits for r in result.rows] == [D("0.00"), D("1000.00"), D("1000.00")]
    assert result.pv_costs == D("1000.00")
    assert result.pv_benefits == D("2000.00")
    assert result.npv == D("1000.00")
    assert result.bcr == D("2.00")
    assert result.payback_year == 1


def test_green_book_rate_with_optimism_bias():
    # 20% optimism bias: 5,000 a year becomes 4,000.
    # Year 1: 4,000 / 1.035 = 3,864.73; year 2: 4,000 / 1.071225 = 3,734.04.
    result = calculate(
        discount_rate_pct=D("3.5"),
        costs=[Line(0, "10000")],
        benefits=[Line(1, "5000", "20"), Line(2, "5000", "20")],
    )
    assert result.total_benefits_gross == D("10000")
    assert result.total_benefits == D("8000.00")
    assert result.optimism_bias_adjustment == D("2000.00")
    assert result.rows[1].pv_benefits == D("3864.73")
    assert result.rows[2].pv_benefits == D("3734.04")
    assert result.pv_benefits == D("7598.77")
    assert result.npv == D("-2401.23")
    assert result.bcr == D("0.76")
    assert result.payback_year is None


def test_payback_in_a_later_year_with_costs_spread():
    # No discounting: cumulative costs 500, 1,000, 1,000; cumulative benefits 0, 400, 1,100.
    result = calculate(
        discount_rate_pct=D("0"),
        costs=[Line(0, "500"), Line(1, "500")],
        benefits=[Line(1, "400"), Line(2, "700")],
    )
    assert [r.cumulative_pv_costs for r in result.rows] == [D("500"), D("1000"), D("1000")]
    assert [r.cumulative_pv_benefits for r in result.rows] == [D("0"), D("400"), D("1100")]
    assert result.payback_year == 2
    assert result.npv == D("100.00")
    assert result.bcr == D("1.10")


def test_discount_factor_by_year():
    assert discount_factor(D("3.5"), 0) == 1
    assert round(discount_factor(D("3.5"), 1), 4) == D("0.9662")
    assert round(discount_factor(D("3.5"), 3), 4) == D("0.9019")  # 1 / 1.108717875


def test_optimism_bias_rounds_to_the_penny():
    assert adjusted_benefit(D("333.33"), D("12.5")) == D("291.66")  # 291.663750
    assert adjusted_benefit(D("100"), D("100")) == D("0.00")


def test_empty_analysis_has_no_ratio():
    result = calculate(discount_rate_pct=D("3.5"), costs=[], benefits=[])
    assert result.rows == [] and result.bcr is None and result.payback_year is None


@pytest.mark.django_db
def test_cba_calculate_reads_the_saved_lines():
    cba = CbaFactory(discount_rate_pct=D("10"))
    CostLineFactory(cba=cba, year=0, amount=D("1000"))
    BenefitLineFactory(cba=cba, year=1, amount=D("2200"), optimism_bias_pct=D("50"))
    result = services.cba_calculate(cba)
    assert result.pv_benefits == D("1000.00")
    assert result.npv == D("0.00")
    assert result.bcr == D("1.00")


@pytest.mark.django_db
def test_cba_save_copies_round_rate_and_replaces_lines(gg_area, author):
    gg_area.round.discount_rate_pct = D("4.00")
    gg_area.round.save()
    cba = services.cba_save(
        area=gg_area,
        actor=author,
        costs=[{"year": 0, "description": "Worker", "amount": D("100"), "borne_by": "Council"}],
        benefits=[
            {
                "year": 1,
                "description": "Savings",
                "amount": D("300"),
                "benefit_type": "fiscal",
                "agency": "NHS",
                "evidence_source": "Unit cost database",
                "optimism_bias_pct": D("10"),
            }
        ],
    )
    assert cba.discount_rate_pct == D("4.00")
    services.cba_save(area=gg_area, actor=author, costs=[], benefits=[], notes="Reset")
    assert cba.costs.count() == 0 and cba.benefits.count() == 0
