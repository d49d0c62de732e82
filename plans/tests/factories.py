import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from core.testing import today
from plans.models import (
    BenefitLine,
    CostBenefitAnalysis,
    CostLine,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
    PeerReviewAssignment,
    PlanVersion,
)
from plans.workflows import PlanStatus
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, OrganisationFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """An operational plan; traits put it in each workflow state."""

    class Meta:
        model = OperationalPlan

    area = factory.SubFactory(AreaFactory, stage=AreaStage.GETTING_GOING)
    issues_and_why = "Isolated older residents lose touch with services after discharge."
    service_changes = "A single neighbourhood link worker shared by the council and the NHS."
    money_differently = "An aligned budget with the council's adult social care team."
    governance = "A partnership board meets monthly."
    resourcing = "Council and NHS staff time, plus a lottery grant."
    risks = "Staff turnover."
    timetable = "Start in April, review after six months."

    class Params:
        draft_submitted = factory.Trait(status=PlanStatus.DRAFT_SUBMITTED, version_number=1)
        final_submitted = factory.Trait(
            status=PlanStatus.FINAL_SUBMITTED,
            version_number=1,
            final_submitted_at=factory.LazyFunction(timezone.now),
        )
        under_review = factory.Trait(
            status=PlanStatus.UNDER_REVIEW,
            version_number=1,
            final_submitted_at=factory.LazyFunction(timezone.now),
        )


class LogicModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogicModel
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)

    @factory.post_generation
    def rows(obj, create, extracted, **kwargs):
        if not create:
            return
        for i in range(extracted if extracted is not None else 1):
            LogicModelRow.objects.create(
                logic_model=obj,
                order=i + 1,
                inputs=f"Link worker {i + 1}",
                activities="Home visits",
                outputs="200 visits",
                short_term_outcomes="Fewer missed appointments",
                long_term_outcomes="Fewer readmissions",
                indicators="Readmission rate",
            )


class CbaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostBenefitAnalysis
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    discount_rate_pct = Decimal("3.50")

    class Params:
        with_lines = factory.Trait(
            costs=factory.RelatedFactory(
                "plans.tests.factories.CostLineFactory", factory_related_name="cba"
            ),
            benefits=factory.RelatedFactory(
                "plans.tests.factories.BenefitLineFactory", factory_related_name="cba"
            ),
        )


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine

    cba = factory.SubFactory(CbaFactory)
    year = 0
    description = "Link worker salary"
    amount = Decimal("10000.00")
    borne_by = "Council"


class BenefitLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitLine

    cba = factory.SubFactory(CbaFactory)
    year = 1
    description = "Avoided readmissions"
    amount = Decimal("12000.00")
    benefit_type = "fiscal"
    agency = "NHS"
    optimism_bias_pct = Decimal("0")


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = PlanVersion.Kind.DRAFT
    content = factory.LazyAttribute(
        lambda v: {
            "sections": {"issues_and_why": v.plan.issues_and_why},
            "budget_arrangements": [],
            "resourcing_lines": [],
            "logic_model": [],
            "cba": None,
        }
    )
    submitted_at = factory.LazyFunction(timezone.now)


class PeerReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerReviewAssignment

    plan = factory.SubFactory(PlanFactory, draft_submitted=True)
    reviewer_organisation = factory.SubFactory(OrganisationFactory)
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=14))


def lead_member_of(area, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user
