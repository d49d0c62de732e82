"""The payment approval's confirmation page asks the service's own rules
(``payment_approve_preview``) before it shows the figures, so the page and the service refuse
for the same reason, each written here by hand, and the view holds no rules of its own."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.errors import message_for
from core.workflow import MoveRefused
from grants.models import Payment
from grants.services import payment_approve, payment_approve_preview
from grants.tests.factories import AwardFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _not_an_approver():
    return PaymentFactory(), UserFactory(relationship_manager=True)


def _the_scheduler():
    pm = UserFactory(programme_manager=True)
    return PaymentFactory(scheduled_by=pm), pm


def _already_paid():
    return PaymentFactory(paid=True), UserFactory(finance_officer=True)


def _offer_not_accepted():
    return PaymentFactory(award=AwardFactory(offer=False)), UserFactory(finance_officer=True)


def _award_cancelled():
    return PaymentFactory(award=AwardFactory(cancelled=True)), UserFactory(finance_officer=True)


# case -> (how it is refused, the reason, what the page says before confirmation)
REFUSALS = {
    "not an approver": (
        _not_an_approver,
        PermissionDenied,
        "Only programme managers, finance officers and admins can approve payments.",
        None,  # the page answers 403
    ),
    "the scheduler": (
        _the_scheduler,
        MoveRefused,
        "You scheduled this payment; another programme manager or a finance officer must "
        "approve it.",
        "Not approved: You scheduled this payment; another programme manager or a finance "
        "officer must approve it.",
    ),
    "already paid": (
        _already_paid,
        MoveRefused,
        "A payment that is paid cannot be moved to approved.",
        "Not approved: A payment that is paid cannot be moved to approved.",
    ),
    "offer not accepted": (
        _offer_not_accepted,
        ValidationError,
        "The grant offer has not been accepted yet: the lead organisation must accept version 1 "
        "before any payment of this award is approved.",
        "The grant offer has not been accepted yet: the lead organisation must accept version 1 "
        "before any payment of this award is approved.",
    ),
    "award cancelled": (
        _award_cancelled,
        ValidationError,
        "The award has been cancelled, so its payments cannot be approved.",
        "The award has been cancelled, so its payments cannot be approved.",
    ),
}


def _reason(exc) -> str:
    return exc.reason if isinstance(exc, MoveRefused) else message_for(exc)


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_preview_and_the_service_refuse_for_the_same_reason(case):
    make, kind, reason, _ = REFUSALS[case]
    payment, actor = make()
    preview = payment_approve_preview(payment, actor)
    assert (preview.allowed, preview.reason) == (False, reason)
    assert type(preview.refusal) is kind
    with pytest.raises(kind) as refused:
        payment_approve(payment=payment, actor=actor)
    assert _reason(refused.value) == reason
    payment.refresh_from_db()
    assert payment.approved_at is None


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_confirmation_page_says_the_services_reason(case, client_for):
    make, _, _, said = REFUSALS[case]
    payment, actor = make()
    response = client_for(actor).post(reverse("grants:payment_approve", args=[payment.pk]))
    if said is None:
        assert response.status_code == 403
        return
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [said]


def test_an_allowed_approval_previews_where_it_takes_the_payment_and_the_service_agrees():
    payment = PaymentFactory(amount=Decimal("500.00"))
    approver = UserFactory(finance_officer=True)
    preview = payment_approve_preview(payment, approver)
    assert (preview.allowed, preview.reason, preview.refusal) == (True, "", None)
    assert preview.figures == {"target": Payment.Status.APPROVED}
    payment_approve(payment=payment, actor=approver)
    payment.refresh_from_db()
    assert payment.status == preview.figures["target"]
