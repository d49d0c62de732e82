"""Marking a payment paid: the confirmation page asks the service's rules
(``payment_pay_preview``) before it shows what will happen, so the page and the service refuse
for the same reason (each written here by hand) and the view holds no rules of its own."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.errors import message_for
from core.testing import today
from core.workflow import MoveRefused
from grants.models import Payment
from grants.services import payment_pay, payment_pay_preview
from grants.tests.factories import PaymentFactory, payment_in_state

pytestmark = pytest.mark.django_db


def _approved():
    payment = PaymentFactory()
    return payment_in_state(award=payment.award, status=Payment.Status.APPROVED, amount=500)


def _not_a_payer():
    return _approved(), UserFactory(programme_manager=True), None


def _the_approver():
    payment = _approved()
    return payment, payment.second_approved_by, None


def _not_approved():
    return PaymentFactory(), UserFactory(finance_officer=True), None


def _tomorrow():
    return _approved(), UserFactory(finance_officer=True), today() + datetime.timedelta(days=1)


# case -> (how it is refused, the reason, what the page says before confirmation)
REFUSALS = {
    "not a payer": (
        _not_a_payer,
        PermissionDenied,
        "Only finance officers can mark payments as paid.",
        403,
    ),
    "approved it": (
        _the_approver,
        MoveRefused,
        "You approved this payment; a finance officer who did not approve it must mark it as paid.",
        "Not marked as paid: You approved this payment; a finance officer who did not approve it "
        "must mark it as paid.",
    ),
    "not approved": (
        _not_approved,
        MoveRefused,
        "A payment that is scheduled cannot be moved to paid.",
        "Not marked as paid: A payment that is scheduled cannot be moved to paid.",
    ),
    "in the future": (
        _tomorrow,
        ValidationError,
        "The payment date cannot be in the future.",
        "field",
    ),
}


def _reason(exc) -> str:
    return exc.reason if isinstance(exc, MoveRefused) else message_for(exc)


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_preview_and_the_service_refuse_for_the_same_reason(case):
    make, kind, reason, _ = REFUSALS[case]
    payment, actor, paid_on = make()
    preview = payment_pay_preview(payment, actor, paid_on)
    assert (preview.allowed, preview.reason) == (False, reason)
    assert type(preview.refusal) is kind
    with pytest.raises(kind) as refused:
        payment_pay(payment=payment, actor=actor, paid_on=paid_on)
    assert _reason(refused.value) == reason
    payment.refresh_from_db()
    assert payment.status != Payment.Status.PAID


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_confirmation_page_says_the_services_reason(case, client_for):
    make, _, reason, said = REFUSALS[case]
    payment, actor, paid_on = make()
    data = {"reference": "BACS-1", "paid_on": paid_on.isoformat() if paid_on else ""}
    response = client_for(actor).post(reverse("grants:payment_pay", args=[payment.pk]), data)
    if said == 403:
        assert response.status_code == 403
    elif said == "field":
        assert response.status_code == 200
        assert response.context["form"].errors["paid_on"] == [reason]
    else:
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [said]


def test_an_allowed_payment_previews_and_the_service_agrees():
    payment, payer = _approved(), UserFactory(finance_officer=True)
    preview = payment_pay_preview(payment, payer)
    assert (preview.allowed, preview.refusal) == (True, None)
    assert preview.figures == {"target": Payment.Status.PAID, "paid_on": today()}
    payment_pay(payment=payment, actor=payer)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
