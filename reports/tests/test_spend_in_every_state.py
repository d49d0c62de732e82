"""The programme PDF's spend chapter, the dashboard's budget and the area PDF's grants with a
payment in every state of the payment workflow (parametrised over its states, so a new state is
tested here at once). Where each state's money is expected is this file's own table."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.tests.factories import AwardFactory, payment_in_state
from grants.workflows import PAYMENT
from programmes.tests.factories import AreaFactory
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext
from reports.sections.summary import programme_spend

pytestmark = pytest.mark.django_db

AMOUNT = Decimal("12345.67")
SHOWN = "£12,345.67"
ZERO = "£0.00"
# The spend chapter's columns a payment's money shows in, by state.
EXPECTED = {
    "scheduled": "forecast",
    "held": "held",
    "approved": "forecast",
    "paid": "paid",
    "cancelled": None,
    "approved_once": "forecast",
}


@pytest.fixture
def award():
    area = AreaFactory(name="Spendwell")
    return AwardFactory(
        area=area,
        amount=Decimal("20000"),
        awarded_on=timezone.localdate() - datetime.timedelta(days=7),
    )


def _squash(text):
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("state", list(PAYMENT.states))
def test_the_spend_chapter_counts_a_payment_in_each_state(award, state, read_pdf):
    payment_in_state(award=award, status=state, amount=AMOUNT)
    place = EXPECTED[state]
    ctx = ReportContext(kind=ReportKind.PROGRAMME, round=award.area.round)
    total = programme_spend(ctx)["budget"].total
    assert (total.paid, total.held, total.forecast) == tuple(
        AMOUNT if place == column else 0 for column in ("paid", "held", "forecast")
    )
    text = _squash(read_pdf(report_pdf(ctx)))
    paid, held, forecast = (SHOWN if place == c else ZERO for c in ("paid", "held", "forecast"))
    assert f"All years not set £20,000.00 {paid} {held} {forecast} —" in text


@pytest.mark.parametrize("state", list(PAYMENT.states))
def test_the_area_pdf_lists_a_payment_in_each_state(award, state, read_pdf):
    payment_in_state(award=award, status=state, amount=AMOUNT)
    ctx = ReportContext(kind=ReportKind.AREA_PROGRESS, area=award.area)
    text = _squash(read_pdf(report_pdf(ctx)))
    assert f"{SHOWN}: {PAYMENT.label(state)}" in text


@pytest.mark.parametrize("state", list(PAYMENT.states))
def test_the_dashboard_shows_the_budget_with_a_payment_in_each_state(
    client_for, programme_manager, award, state
):
    payment_in_state(award=award, status=state, amount=AMOUNT)
    url = reverse("reports:dashboard", args=[award.area.round.slug])
    response = client_for(programme_manager).get(url)
    assert response.status_code == 200
    total = response.context["budget"].total
    place = EXPECTED[state]
    assert (total.paid, total.held, total.forecast) == tuple(
        AMOUNT if place == column else 0 for column in ("paid", "held", "forecast")
    )
    assert "Budget by financial year" in response.content.decode()
