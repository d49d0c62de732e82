import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from core.testing import today
from delivery.models import (
    BodyType,
    CbaOutturnLine,
    CommitmentStatus,
    FundingRecord,
    LineKind,
    MakingItHappenApplication,
    MatchFundingCommitment,
    ProgressReturn,
    ProgressStatus,
    ReturnStatus,
)
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory


class ImplementingAreaFactory(AreaFactory):
    stage = AreaStage.IMPLEMENTATION

    class Params:
        making_it_happen = factory.Trait(stage=AreaStage.MAKING_IT_HAPPEN)


class ProgressReturnFactory(factory.django.DjangoModelFactory):
    """A draft return for a quarter that ended 10 days before today (so: due)."""

    class Meta:
        model = ProgressReturn

    area = factory.SubFactory(ImplementingAreaFactory)
    period_end = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    period_start = factory.LazyAttribute(lambda r: r.period_end - datetime.timedelta(days=90))
    due_on = factory.LazyAttribute(lambda r: r.period_end + datetime.timedelta(days=30))

    class Params:
        overdue = factory.Trait(
            period_end=factory.LazyFunction(lambda: today() - datetime.timedelta(days=60))
        )
        submitted = factory.Trait(
            status=ReturnStatus.SUBMITTED,
            progress_status=ProgressStatus.ON_SCHEDULE,
            submitted_at=factory.LazyFunction(timezone.now),
        )


class FundingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRecord

    area = factory.SubFactory(ImplementingAreaFactory)
    source = "external_grants"
    year = 2026
    amount = Decimal("5000.00")
    funder_name = "National Lottery Community Fund"


class OutturnLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CbaOutturnLine

    area = factory.SubFactory(ImplementingAreaFactory)
    kind = LineKind.COST
    year = 0
    description = "Unforeseen venue hire"
    actual_amount = Decimal("1000.00")


class MakingItHappenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MakingItHappenApplication

    area = factory.SubFactory(ImplementingAreaFactory, making_it_happen=True)
    sustainability_plan = "The council commissions the service from year two."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchFundingCommitment

    application = factory.SubFactory(MakingItHappenFactory)
    public_body = "Leeds City Council"
    body_type = BodyType.LOCAL_AUTHORITY
    amount = Decimal("20000.00")
    expected_payment_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=365))

    class Params:
        confirmed = factory.Trait(
            status=CommitmentStatus.CONFIRMED, confirmed_at=factory.LazyFunction(timezone.now)
        )
        received = factory.Trait(
            status=CommitmentStatus.RECEIVED,
            received_on=factory.LazyFunction(today),
            received_amount=Decimal("20000.00"),
        )
        withdrawn = factory.Trait(status=CommitmentStatus.WITHDRAWN, withdrawn_reason="Budget cut")
