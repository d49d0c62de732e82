"""Holds other apps register on the money (grants/holds.py): an award hold refuses the award with
its reason, a payment hold refuses approving and paying with its reason, and imported history is
never held. The checks registered here are the test's own, removed afterwards."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from core.workflow import MoveRefused
from grants import holds
from grants.models import Award, Payment
from grants.services import award_grant, payment_approve, payment_approve_preview, payment_pay
from grants.tests.factories import PaymentFactory
from programmes.models import Stage

pytestmark = pytest.mark.django_db

AWARD_REASON = "Due diligence on this organisation has not been confirmed."
PAYMENT_REASON = "The organisation's new bank account has not been confirmed."


@pytest.fixture
def award_hold():
    def check(*, area, stage, amount):
        return AWARD_REASON

    holds.register_award_hold(check)
    yield check
    holds._award_holds.remove(check)


@pytest.fixture
def payment_hold():
    held = set()

    def check(payment):
        return PAYMENT_REASON if payment.pk in held else None

    holds.register_payment_hold(check)
    yield held
    holds._payment_holds.remove(check)


def test_an_award_hold_refuses_the_award_with_its_reason(award_hold, area, programme_manager):
    with pytest.raises(ValidationError, match=AWARD_REASON) as refused:
        award_grant(
            area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=programme_manager
        )
    assert refused.value.code == "award_held"
    assert not Award.objects.filter(area=area).exists()


def test_imported_history_is_never_held(award_hold, area, admin_user):
    award = award_grant(
        area=area,
        stage=Stage.GETTING_READY,
        amount=Decimal("3000"),
        actor=admin_user,
        imported=True,
    )
    assert award.pk


def test_a_payment_hold_refuses_approving_and_paying(payment_hold):
    finance = UserFactory(finance_officer=True)
    scheduled = PaymentFactory()
    approved = PaymentFactory(status=Payment.Status.APPROVED, approved_by=UserFactory())
    payment_hold.update({scheduled.pk, approved.pk})

    preview = payment_approve_preview(scheduled, finance)
    assert not preview.allowed and PAYMENT_REASON in preview.reason
    with pytest.raises(MoveRefused, match=PAYMENT_REASON):
        payment_approve(payment=scheduled, actor=finance)
    with pytest.raises(MoveRefused, match=PAYMENT_REASON):
        payment_pay(payment=approved, actor=finance, reference="BACS-1")
    scheduled.refresh_from_db()
    approved.refresh_from_db()
    assert (scheduled.status, approved.status) == ("scheduled", "approved")

    payment_hold.clear()
    assert payment_approve(payment=scheduled, actor=finance).status == "approved"
