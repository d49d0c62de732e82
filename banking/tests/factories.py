import datetime

import factory
from django.utils import timezone

from banking.models import BankAccount


class BankAccountFactory(factory.django.DjangoModelFactory):
    """Bank details: confirmed after a call-back by default (as every organisation's are before
    it is paid); ``pending=True`` for details awaiting confirmation."""

    class Meta:
        model = BankAccount

    organisation = factory.SubFactory("programmes.tests.factories.OrganisationFactory")
    account_name = factory.LazyAttribute(lambda o: o.organisation.name)
    sort_code = factory.Sequence(lambda n: f"{200000 + n % 800000:06d}")
    account_number = factory.Sequence(lambda n: f"{31000000 + n:08d}")
    status = BankAccount.Status.CONFIRMED
    entered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=400))
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=399))
    callback_contact = "Treasurer"
    callback_number = "0113 496 0000"
    callback_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=399))

    class Params:
        pending = factory.Trait(
            status=BankAccount.Status.PENDING,
            entered_at=factory.LazyFunction(timezone.now),
            confirmed_at=None,
            callback_contact="",
            callback_number="",
            callback_at=None,
        )
