"""Due diligence in each state for tests. ``cleared(org)`` is what every factory-made
organisation gets (programmes.tests.factories.OrganisationFactory), written straight to the
table: a confirmed, in-date, low-risk checklist, so existing tests' awards and payments are not
held. Tests of the workflow itself go through the services."""

import datetime

import factory

from accounts.models import Role, User
from core.testing import today
from diligence.models import DueDiligence, FraudRisk, RegisterCheck
from diligence.workflows import DiligenceStatus


def _records_user() -> User:
    # Inactive, so nobody counts or notifies it; the table needs a confirmer for a confirmed row.
    user, _ = User.objects.get_or_create(
        username="diligence-records",
        defaults={
            "email": "diligence-records@example.org",
            "role": Role.ADMIN,
            "is_active": False,
            "first_name": "Records",
        },
    )
    return user


def cleared(organisation, *, expires_on: datetime.date | None = None, **fields) -> DueDiligence:
    """A confirmed, in-date checklist for `organisation` (written directly: no activity)."""
    confirmed_on = today() - datetime.timedelta(days=30)
    values = {
        "status": DiligenceStatus.CONFIRMED,
        "accounts_year_end": confirmed_on - datetime.timedelta(days=120),
        "accounts_income": 50000,
        "conflicts_answered": True,
        "fraud_risk": FraudRisk.LOW,
        "fraud_risk_reasons": "Established organisation with clean filings.",
        "confirmed_by": _records_user(),
        "confirmed_on": confirmed_on,
        "confirmed_at": datetime.datetime.combine(
            confirmed_on, datetime.time(12), tzinfo=datetime.UTC
        ),
        "expires_on": expires_on or confirmed_on + datetime.timedelta(days=365),
        **fields,
    }
    return DueDiligence.objects.create(organisation=organisation, **values)


class DueDiligenceFactory(factory.django.DjangoModelFactory):
    """A checklist in preparation (draft), with nothing filled in."""

    class Meta:
        model = DueDiligence

    organisation = factory.SubFactory(
        "programmes.tests.factories.OrganisationFactory", diligence=False
    )
    prepared_by = factory.SubFactory("accounts.tests.factories.UserFactory", programme_manager=True)
    status = DiligenceStatus.DRAFT


class RegisterCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterCheck

    diligence = factory.SubFactory(DueDiligenceFactory)
    register = RegisterCheck.Register.CHARITY
    identifier = factory.LazyAttribute(lambda c: c.diligence.organisation.charity_number)
    checked_on = factory.LazyFunction(today)
    checked_by = factory.SelfAttribute("diligence.prepared_by")
    outcome = RegisterCheck.Outcome.CLEAR
    finding = "Registered, accounts filed on time."
