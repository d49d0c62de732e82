"""The programme report's summary page and spend chapter, on a hand-made round whose money is
worked out by hand."""

import datetime
import re
from decimal import Decimal

import pytest

from core.testing import today
from grants.models import Award, Payment
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext
from reports.sections.summary import programme_executive_summary, programme_spend

from .waiting_round import build_waiting_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
D = Decimal


@pytest.fixture
def money_round():
    """The waiting round with a £50,000 budget and three awards:

    A1 Getting Ready £3,000 awarded 10 May 2026 (2026-27), paid in full.
    A2 Getting Going £10,000 awarded 1 Feb 2027 (2026-27): £9,000 paid 1 Mar 2027, £1,000 held.
    A3 Getting Going £10,000 awarded 15 Apr 2027 (2027-28): £9,000 scheduled for 1 May 2027,
       £1,000 held.

    Awarded 23,000; paid 12,000 (52%); held 2,000; forecast 9,000; still to pay 11,000; the
    awards commit 46% of the budget, 27,000 remaining.
    """
    rnd, areas = build_waiting_round()
    rnd.budget_total = D("50000")
    rnd.save()
    day = datetime.date
    a1 = Award.objects.create(
        area=areas[0], stage="getting_ready", amount=D("3000"), awarded_on=day(2026, 5, 10)
    )
    Payment.objects.create(award=a1, amount=D("3000"), status="paid", paid_on=day(2026, 5, 20))
    a2 = Award.objects.create(
        area=areas[1], stage="getting_going", amount=D("10000"), awarded_on=day(2027, 2, 1)
    )
    Payment.objects.create(award=a2, amount=D("9000"), status="paid", paid_on=day(2027, 3, 1))
    Payment.objects.create(
        award=a2,
        amount=D("1000"),
        status="held",
        kind="retention",
        release_condition="final_plan_submitted",
    )
    a3 = Award.objects.create(
        area=areas[2], stage="getting_going", amount=D("10000"), awarded_on=day(2027, 4, 15)
    )
    Payment.objects.create(award=a3, amount=D("9000"), status="scheduled", due_on=day(2027, 5, 1))
    Payment.objects.create(
        award=a3,
        amount=D("1000"),
        status="held",
        kind="retention",
        release_condition="final_plan_submitted",
    )
    return rnd


def _ctx(rnd):
    return ReportContext(kind=ReportKind.PROGRAMME, round=rnd, report_date=today())


def _row(row):
    return (row.label, row.budget, row.committed, row.paid, row.held, row.forecast)


def test_spend_by_stage_and_financial_year(money_round):
    data = programme_spend(_ctx(money_round))
    budget = data["budget"]
    assert _row(budget.total) == ("All years", D(50000), D(23000), D(12000), D(2000), D(9000))
    assert budget.total.remaining == D(27000)
    assert data["still_to_pay"] == D(11000)
    assert (data["paid_pct"], data["committed_pct"]) == (52, 46)
    assert [_row(r) for r in budget.years] == [
        ("2026–27", None, D(13000), D(12000), D(1000), D(0)),
        ("2027–28", None, D(10000), D(0), D(1000), D(9000)),
    ]
    assert [_row(r) for r in budget.stages] == [
        ("Getting Ready", None, D(3000), D(3000), D(0), D(0)),
        ("Getting Going", None, D(20000), D(9000), D(2000), D(9000)),
    ]


def test_spend_is_summed_by_the_database(money_round, django_assert_num_queries):
    with django_assert_num_queries(3):
        programme_spend(_ctx(money_round))


def test_summary_numbers_and_sentences(money_round):
    data = programme_executive_summary(_ctx(money_round))
    figures = dict(data["figures"])
    assert figures["Applications"] == 14
    assert figures["Areas admitted"] == 9
    assert figures["Active"] == 6
    assert (figures["Plans signed off"], figures["Plans in review"]) == (1, 2)
    assert (figures["Awarded"], figures["Paid"], figures["Budget"]) == (
        "£23,000.00",
        "£12,000.00",
        "£50,000.00",
    )
    position, sign_off, money = data["sentences"]
    assert position.startswith("Waiting Round has 9 areas: 9 at Getting Ready")
    assert position.endswith("3 have left the programme.")
    assert sign_off == (
        "Of 4 final plans submitted, 1 has been signed off, 2 are still in review (the longest "
        "for 130 days) and 1 left (not approved or withdrew); with so many still waiting, the "
        "median time to sign-off is not yet reached."
    )
    assert money == (
        "£23,000.00 has been awarded and £12,000.00 paid (52% of the awards), against a budget "
        "of £50,000.00 (46% committed); £2,000.00 is held back until its conditions are met."
    )


def test_pdf_opens_with_the_summary_and_has_the_spend_chapter(money_round, read_pdf):
    text = re.sub(r"\s+", " ", read_pdf(report_pdf(_ctx(money_round))))
    assert "1. Summary" in text and ". Spend against budget" in text
    # After the contents, the summary comes before the first chapter.
    assert text.index("In three sentences") < text.rindex("2. Where the areas are")
    assert "2026–27 — £13,000.00 £12,000.00 £1,000.00 £0.00 —" in text
    assert "All years £50,000.00 £23,000.00 £12,000.00 £2,000.00 £9,000.00 £27,000.00" in text


def test_the_summary_is_one_page_of_its_own(money_round, read_pdf):
    pages = read_pdf(report_pdf(_ctx(money_round))).split("\f")
    page = next(p for p in pages if "In three sentences" in p)
    flat = re.sub(r"\s+", " ", page)
    # The heading, the figures and all three sentences on that one page, and nothing else.
    assert "1. Summary" in flat and "Applications 14" in flat
    assert "Waiting Round has 9 areas" in flat and "is held back until" in flat
    assert "2. Where the areas are" not in flat and "Contents" not in flat
