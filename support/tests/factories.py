import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import today
from support.models import (
    Adviser,
    AdviserDay,
    AdviserEntitlement,
    ContactKind,
    Event,
    EventInvitation,
    EventKind,
    FollowUp,
    RiskLevel,
    SupportContact,
)
from support.workflows import BookingStatus


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


class AdviserEntitlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviserEntitlement

    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    days = Decimal("1.5")
    reason = "Getting Ready adviser allowance"

    class Params:
        consultancy = factory.Trait(days=Decimal("5"), reason="Extra consultancy days for the CBA")


class AdviserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adviser
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Adviser {n}")


class AdviserDayFactory(factory.django.DjangoModelFactory):
    """A delivered day today, unless `planned`."""

    class Meta:
        model = AdviserDay

    class Params:
        adviser_name = "Jo Adviser"
        planned = factory.Trait(
            status=BookingStatus.PLANNED,
            date=factory.LazyFunction(lambda: today() + datetime.timedelta(days=10)),
        )

    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    adviser = factory.SubFactory(AdviserFactory, name=factory.SelfAttribute("..adviser_name"))
    date = factory.LazyFunction(today)
    days = Decimal("1")
    status = BookingStatus.DELIVERED


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportContact

    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    date = factory.LazyFunction(today)
    kind = ContactKind.CALL
    duration_minutes = 45
    notes = "Talked through the development strategy."
    logged_by = factory.SubFactory(UserFactory, relationship_manager=True)

    class Params:
        high_risk = factory.Trait(
            risk_level=RiskLevel.HIGH, risk_description="Lead officer leaving; no successor."
        )
        resolved_risk = factory.Trait(
            risk_level=RiskLevel.MEDIUM,
            risk_description="Partner council went quiet.",
            risk_resolved_at=factory.LazyFunction(timezone.now),
        )


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    contact = factory.SubFactory(SupportContactFactory)
    area = factory.SelfAttribute("contact.area")
    action = "Send the logic model template"
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=7))
    owner = factory.SelfAttribute("contact.logged_by")

    class Params:
        overdue = factory.Trait(
            due_on=factory.LazyFunction(lambda: today() - datetime.timedelta(days=3))
        )
        done = factory.Trait(done_at=factory.LazyFunction(timezone.now))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Round induction {n}")
    kind = EventKind.INDUCTION
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    location = "https://meet.example.org/induction"

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=14))
        )


class EventInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventInvitation

    event = factory.SubFactory(EventFactory)
    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
