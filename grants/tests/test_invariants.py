"""Payments never exceed the award: refused by the service and by the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from core.testing import today
from grants.models import Award, Payment
from grants.services import award_grant, payment_add, payment_cancel
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.models import Stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_service_refuses_a_payment_beyond_the_award(area, programme_manager):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    with pytest.raises(ValidationError) as exc:
        payment_add(award=award, amount=Decimal("0.01"), actor=programme_manager)
    assert "cannot exceed the award of £10,000.00" in exc.value.message_dict["amount"][0]
    assert award.payments.count() == 2


def test_cancelled_money_can_be_rescheduled_up_to_the_award(area, programme_manager):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_cancel(payment=advance, actor=programme_manager, reason="Wrong account")
    payment_add(award=award, amount=Decimal("4500"), actor=programme_manager)
    payment_add(award=award, amount=Decimal("4500"), actor=programme_manager)
    with pytest.raises(ValidationError):
        payment_add(award=award, amount=Decimal("0.01"), actor=programme_manager)
    award.refresh_from_db()
    assert award.total_scheduled == Decimal("10000.00")


def test_database_refuses_total_scheduled_above_the_award(area):
    award = AwardFactory(area=area, amount=Decimal("10000"))
    PaymentFactory(award=award, amount=Decimal("10000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(total_scheduled=F("total_scheduled") + 1)


def test_database_refuses_a_negative_total(area):
    award = AwardFactory(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(total_scheduled=Decimal("-1"))


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_database_refuses_non_positive_amounts(area, amount):
    award = AwardFactory(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(award=award, amount=amount)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardFactory(area=area, stage=Stage.GOING_FURTHER, amount=amount)


def test_paid_on_is_set_if_and_only_if_paid(area):
    award = AwardFactory(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            award=award, amount=Decimal("1"), status="scheduled", paid_on=today()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(award=award, amount=Decimal("1"), status="paid")


def test_a_held_payment_names_its_release_condition(area):
    award = AwardFactory(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(award=award, amount=Decimal("1"), status="held")
