import datetime
from decimal import Decimal

import factory

from core.testing import today
from programmes.models import (
    Approach,
    Area,
    AreaTheme,
    Milestone,
    Organisation,
    OrganisationType,
    Partner,
    PartnerType,
    Programme,
    Round,
    Stage,
    StageDefinition,
    Theme,
)
from programmes.services import STANDARD_STAGE_DEFINITIONS


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "Our Place"
    slug = "our-place"
    funder_name = "Department for Communities"
    manager_name = "Locality"


class RoundFactory(factory.django.DjangoModelFactory):
    """A live round with the standard stage definitions."""

    class Meta:
        model = Round
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"round-{n}")
    name = factory.LazyAttribute(lambda r: r.slug.replace("-", " ").title())
    status = Round.Status.LIVE
    opens_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=120))
    closes_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=30))
    starts_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=90))
    ends_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=400))

    @factory.post_generation
    def stages(obj, create, extracted, **kwargs):
        if not create or obj.stage_definitions.exists():
            return
        for order, (stage, lo, hi, share, days) in enumerate(STANDARD_STAGE_DEFINITIONS, 1):
            StageDefinition.objects.create(
                round=obj,
                stage=stage,
                order=order,
                grant_min=Decimal(lo),
                grant_max=Decimal(hi),
                advance_share_pct=Decimal(share),
                adviser_days=Decimal(days),
            )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    round = factory.SubFactory(RoundFactory)
    name = "Getting Going applications due"
    kind = Milestone.Kind.GETTING_GOING_APPLICATION
    stage = Stage.GETTING_GOING
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=30))


def theme(slug="health-and-wellbeing"):
    return Theme.objects.get(slug=slug)


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation whose due diligence is confirmed and in date (diligence) and whose bank
    details are confirmed (bank_account), so awards and payments to it are not held;
    ``diligence=False`` / ``bank_account=False`` for one with none."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community Trust {n}")
    org_type = OrganisationType.VCS
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    town = "Leeds"

    @factory.post_generation
    def bank_account(obj, create, extracted, **kwargs):
        """Confirmed bank details, as every organisation paid by the programme has
        (banking/holds.py holds payments otherwise); ``OrganisationFactory(bank_account=False)``
        for an organisation that has given none."""
        if not create or extracted is False:
            return
        from banking.tests.factories import BankAccountFactory

        BankAccountFactory(organisation=obj, **kwargs)

    @factory.post_generation
    def diligence(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from diligence.tests.factories import cleared

        cleared(obj)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"OP-{n:04d}")
    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    local_authority = "Leeds"
    lead_organisation = factory.SubFactory(OrganisationFactory)
    approach = Approach.GENERAL
    round = factory.SubFactory(RoundFactory)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if not create:
            return
        chosen = extracted if extracted is not None else [theme()]
        for position, t in enumerate(chosen, 1):
            AreaTheme.objects.create(area=obj, theme=t, position=position)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    area = factory.SubFactory(AreaFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, org_type=OrganisationType.LOCAL_AUTHORITY, charity_number=""
    )
    partner_type = PartnerType.LOCAL_AUTHORITY
