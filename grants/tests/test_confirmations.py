"""Issue 14: approving and paying money goes through a confirmation step with the amount, who it
goes to and what happens next; a POST without it does nothing and says why. The finance list's
bulk actions show the count and the total."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from grants.models import Payment
from grants.services import award_grant, payment_approve
from grants.tests.factories import accept_offer
from programmes.models import Stage

pytestmark = pytest.mark.django_db

NOTHING_DONE = "Nothing has been done yet"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _advance(area, actor, amount="10000", stage=Stage.GETTING_GOING):
    award = accept_offer(award_grant(area=area, stage=stage, amount=Decimal(amount), actor=actor))
    return award.payments.get(kind=Payment.Kind.ADVANCE)


def test_approve_without_confirmation_approves_nothing(client_for, area, finance_officer):
    advance = _advance(area, UserFactory(programme_manager=True))
    url = reverse("grants:payment_approve", args=[advance.pk])
    response = client_for(finance_officer).post(url, {"next": reverse("grants:finance")})
    assert response.status_code == 200
    page = _text(response)
    assert NOTHING_DONE in page
    assert f"Approves the advance payment of £9,000.00 to {area.reference}" in page
    assert "cannot be withdrawn" in page
    assert "Approve £9,000.00" in page
    advance.refresh_from_db()
    assert advance.status == Payment.Status.SCHEDULED
    client_for(finance_officer).post(url, {"confirm": "1"})
    advance.refresh_from_db()
    assert advance.status == Payment.Status.APPROVED


def test_a_first_approval_over_the_threshold_says_a_second_is_needed(
    client_for, area, finance_officer
):
    manager = UserFactory(programme_manager=True)
    advance = _advance(area, manager, amount="20000", stage=Stage.GOING_FURTHER)
    page = _text(
        client_for(finance_officer).post(reverse("grants:payment_approve", args=[advance.pk]))
    )
    assert "This is the first of two approvals" in page


def test_pay_without_confirmation_pays_nothing(client_for, area, finance_officer):
    manager = UserFactory(programme_manager=True)
    advance = _advance(area, manager)
    payment_approve(payment=advance, actor=UserFactory(programme_manager=True))
    url = reverse("grants:payment_pay", args=[advance.pk])
    response = client_for(finance_officer).post(url, {"reference": "BACS-1"})
    page = _text(response)
    assert NOTHING_DONE in page
    assert "as paid on" in page and "reference BACS-1" in page
    assert "cannot be cancelled or changed afterwards" in page
    advance.refresh_from_db()
    assert advance.status == Payment.Status.APPROVED


def test_bulk_confirmation_states_the_count_and_total(
    client_for, area, other_area, finance_officer
):
    manager = UserFactory(programme_manager=True)
    ids = [_advance(area, manager).pk, _advance(other_area, manager).pk]
    response = client_for(finance_officer).post(
        reverse("grants:finance_bulk"), {"action": "approve", "payment": ids}
    )
    page = _text(response)
    assert "Approves 2 payments totalling £18,000.00" in page
    assert Payment.objects.filter(pk__in=ids, status=Payment.Status.SCHEDULED).count() == 2


def test_bulk_confirmation_says_which_payments_the_service_will_refuse_and_why(
    client_for, area, other_area, finance_officer, django_assert_max_num_queries
):
    """The bulk page asks each payment's own preview (payment_approve_preview), so a payment
    whose award's offer the lead has not accepted is shown as refused before anyone confirms,
    with the service's reason, not as one that will be approved."""
    manager = UserFactory(programme_manager=True)
    ready = _advance(area, manager)
    not_accepted = _advance(other_area, manager)
    not_accepted.award.offers.update(status="issued", accepted_at=None)
    response = client_for(finance_officer).post(
        reverse("grants:finance_bulk"),
        {"action": "approve", "payment": [ready.pk, not_accepted.pk]},
    )
    rows = response.context["rows"] + response.context["refused"]
    refused = {row["payment"].pk: row["refused"] for row in rows}
    assert refused[ready.pk] == ""
    assert refused[not_accepted.pk] == (
        "The grant offer has not been accepted yet: the lead organisation must accept version 1 "
        "before any payment of this award is approved."
    )
