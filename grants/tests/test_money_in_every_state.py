"""Money figures cannot miss a payment state: every state of the payment workflow has one place
in the figures (budget columns, totals, the finance list's filter), and every money page renders
with a payment in each state and counts its amount where this file's own table says.

The pages are parametrised over the workflow's states, so a state added to the workflow is tested
here at once; the expected places are written out below, never read from the code, so that state
fails here until someone decides where its money counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from grants import selectors
from grants.budgets.selectors import round_budget
from grants.filters import PayableFilter
from grants.models import Payment
from grants.services import payment_add, payment_approve
from grants.tests.factories import AwardFactory, payment_in_state
from grants.workflows import PAYMENT

pytestmark = pytest.mark.django_db

STATES = list(PAYMENT.states)
AMOUNT = Decimal("12345.67")
SHOWN = "£12,345.67"
WEEK_AGO = timezone.localdate() - datetime.timedelta(days=7)

# Where a payment's amount counts, by state. Budget page and the programme PDF: paid, held back,
# or forecast (scheduled or on its way to being paid); area and round totals: paid, held or still
# to pay; the finance list: the amount to approve, the amount approved to pay, or not listed.
EXPECTED = {
    #                budget       totals      finance list
    "scheduled": ("forecast", "to_pay", "scheduled"),
    "held": ("held", "held", None),
    "approved": ("forecast", "to_pay", "approved"),
    "paid": ("paid", "paid", None),
    "cancelled": (None, None, None),
    "approved_once": ("forecast", "to_pay", "scheduled"),
}


def test_every_state_has_a_place_in_this_files_table():
    """Fails when the workflow gains (or loses) a state until its money has a place here."""
    assert set(EXPECTED) == set(PAYMENT.states)


@pytest.fixture
def money(area):
    """A £20,000 award to `area` (awarded a week ago, offer accepted)."""
    return AwardFactory(area=area, amount=Decimal("20000"), awarded_on=WEEK_AGO)


def test_reproduction_budget_page_and_dashboard_with_a_payment_awaiting_its_second_approval(
    client_for, area, programme_manager
):
    """Award £20,000, schedule £12,000, approve it once: the budget page and the dashboard
    answered 500 (KeyError: 'approved_once')."""
    award = AwardFactory(area=area, amount=Decimal("20000"), awarded_on=WEEK_AGO)
    payment = payment_add(award=award, amount=Decimal("12000"), actor=programme_manager)
    payment_approve(payment=payment, actor=UserFactory(programme_manager=True))
    assert payment.status == Payment.Status.APPROVED_ONCE
    client = client_for(programme_manager)
    budget = client.get(reverse("grants:round_budget", args=[area.round.slug]))
    assert budget.status_code == 200
    assert budget.context["budget"].total.forecast == Decimal("12000.00")
    dashboard = client.get(reverse("reports:dashboard", args=[area.round.slug]))
    assert dashboard.status_code == 200


@pytest.mark.parametrize("state", STATES)
def test_round_budget_counts_each_state_in_its_column(money, state):
    payment_in_state(award=money, status=state, amount=AMOUNT)
    budget_place = EXPECTED[state][0]
    total = round_budget(money.area.round).total
    figures = {"paid": total.paid, "held": total.held, "forecast": total.forecast}
    assert figures == {k: (AMOUNT if k == budget_place else 0) for k in figures}
    assert total.committed == Decimal("20000.00")


@pytest.mark.parametrize("state", STATES)
def test_area_and_round_totals_count_each_state_once(money, state):
    payment_in_state(award=money, status=state, amount=AMOUNT)
    place = EXPECTED[state][1]
    expected = {k: (AMOUNT if k == place else 0) for k in ("paid", "held", "to_pay")}
    area_totals = selectors.area_totals(area=money.area)
    assert {k: getattr(area_totals, k) for k in expected} == expected
    awards = list(selectors.awards_for_area(area=money.area, user=_staff()))
    panel = selectors.totals_for_awards(awards)
    assert {k: getattr(panel, k) for k in expected} == expected
    rnd = next(r for r in selectors.round_totals() if r.pk == money.area.round_id)
    assert {k: getattr(rnd, k) for k in expected} == expected


@pytest.mark.parametrize("state", STATES)
def test_finance_totals_and_filter_count_each_payable_state(money, state, finance_officer):
    payment = payment_in_state(award=money, status=state, amount=AMOUNT)
    place = EXPECTED[state][2]
    listed = selectors.finance_list(user=finance_officer)
    assert (payment in listed) == (place is not None)
    totals = selectors.payments_totals(listed)
    assert totals["total"] == (AMOUNT if place else 0)
    assert totals["scheduled"] == (AMOUNT if place == "scheduled" else 0)
    assert totals["approved"] == (AMOUNT if place == "approved" else 0)
    # Every payable state can be picked in the finance list's status filter, and finds it.
    choices = dict(PayableFilter().filters["status"].extra["choices"])
    assert (state in choices) == (place is not None)
    if place:
        found = PayableFilter({"status": state}, queryset=listed).qs
        assert list(found) == [payment]


def _staff():
    return UserFactory(programme_manager=True)


@pytest.mark.parametrize("state", STATES)
def test_every_money_page_renders_with_a_payment_in_each_state(
    client_for, money, state, programme_manager
):
    payment = payment_in_state(award=money, status=state, amount=AMOUNT)
    label = PAYMENT.label(state)
    client = client_for(programme_manager)
    area = money.area
    pages = {
        "finance list": reverse("grants:finance"),
        "round totals": reverse("grants:round_summary"),
        "budget page": reverse("grants:round_budget", args=[area.round.slug]),
        "award page": money.get_absolute_url(),
        "area page": reverse("programmes:area_detail", args=[area.reference]),
        "dashboard": reverse("reports:dashboard", args=[area.round.slug]),
    }
    bodies = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    # The payment itself, with its state's label, where payments are listed one by one.
    for name in ("award page", "area page"):
        assert SHOWN in bodies[name] and label in bodies[name], name
    listed = EXPECTED[state][2] is not None
    assert (f'id="select-{payment.pk}"' in bodies["finance list"]) == listed
    # Its amount in the budget's figures unless it counts nowhere.
    assert (SHOWN in bodies["budget page"]) == (EXPECTED[state][0] is not None)
    assert (SHOWN in bodies["round totals"]) == (EXPECTED[state][1] is not None)


def test_the_finance_list_and_bulk_pages_render_a_payment_awaiting_second_approval(
    client_for, money, programme_manager, finance_officer
):
    payment = payment_add(award=money, amount=Decimal("12000"), actor=programme_manager)
    payment_approve(payment=payment, actor=finance_officer)
    second = UserFactory(programme_manager=True)
    client = client_for(second)
    response = client.get(reverse("grants:finance"), {"status": "approved_once"})
    assert [r["payment"].pk for r in response.context["rows"]] == [payment.pk]
    response = client.post(
        reverse("grants:finance_bulk"), {"action": "approve", "payment": [payment.pk]}
    )
    assert response.status_code == 200 and "Awaiting second approval" in response.content.decode()
