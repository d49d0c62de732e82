import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from applications.models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    ApplicationTheme,
    AssessmentCriterion,
    DeadlineExtension,
    GateApplication,
    GateStage,
    GateStatus,
    RoundAssessmentSettings,
)
from core.testing import today
from programmes.models import Milestone, Round
from programmes.tests.factories import (
    AreaFactory,
    MilestoneFactory,
    OrganisationFactory,
    RoundFactory,
    theme,
)


class OpenRoundFactory(RoundFactory):
    status = Round.Status.OPEN


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft; traits put it in later states (written directly: tests of the moves
    themselves go through the services)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(OpenRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    applicant = factory.LazyAttribute(lambda a: _member_of(a.organisation))
    area_name = factory.Sequence(lambda n: f"Applying Neighbourhood {n}")
    local_authority = "Leeds"
    area_type = "urban"
    approach = "general"
    issues = "Isolated older residents lose touch with services."
    services_involved = "Adult social care, GP practices."
    expected_outcomes = "Fewer emergency admissions."

    class Params:
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        under_assessment = factory.Trait(
            status=ApplicationStatus.UNDER_ASSESSMENT,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=ApplicationStatus.REJECTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
            decision_reasons="Not this time.",
        )

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if not create:
            return
        chosen = extracted if extracted is not None else [theme()]
        for position, t in enumerate(chosen, 1):
            ApplicationTheme.objects.create(application=obj, theme=t, position=position)


def _member_of(organisation):
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation)
    return user


class ApplicationPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationPartner

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Sequence(lambda n: f"Partner Council {n}")
    partner_type = "local_authority"
    involvement = "active"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentCriterion

    round = factory.SubFactory(OpenRoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    order = factory.Sequence(lambda n: n)


class ScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundAssessmentSettings
        django_get_or_create = ("round",)

    round = factory.SubFactory(OpenRoundFactory)
    score_min = 0
    score_max = 5


class GettingGoingMilestoneFactory(MilestoneFactory):
    kind = Milestone.Kind.GETTING_GOING_APPLICATION
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=30))

    class Params:
        past = factory.Trait(
            due_on=factory.LazyFunction(lambda: today() - datetime.timedelta(days=5))
        )


class GateFactory(factory.django.DjangoModelFactory):
    """A Getting Going draft with both evidence files attached."""

    class Meta:
        model = GateApplication

    area = factory.SubFactory(AreaFactory)
    target_stage = GateStage.GETTING_GOING
    amount_requested = Decimal("10000")
    milestone = factory.LazyAttribute(lambda g: GettingGoingMilestoneFactory(round=g.area.round))
    summary = "Strategy and logic model agreed with the council."
    development_strategy = factory.django.FileField(filename="strategy.pdf", data=b"%PDF-1.4")
    logic_model = factory.django.FileField(filename="logic.docx", data=b"PK")

    class Params:
        submitted = factory.Trait(
            status=GateStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineExtension

    area = factory.SubFactory(AreaFactory)
    milestone = factory.LazyAttribute(lambda e: GettingGoingMilestoneFactory(round=e.area.round))
    new_due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=14))
    granted_by = factory.SubFactory(UserFactory, programme_manager=True)
    reason = "Lead officer was ill."


def assigned(subject, assessor, declaration="none", nature="", by=None):
    """`assessor` assigned to `subject` and, unless `declaration` is None, declared (written
    directly: tests of assigning and declaring themselves go through the services)."""
    from applications.models import AssessorAssignment, ConflictDeclaration
    from applications.permissions import subject_filter

    where = subject_filter(subject)
    status = {None: "awaiting", "none": "clear", "conflict": "conflicted"}[declaration]
    assignment = AssessorAssignment.objects.create(
        assessor=assessor, assigned_by=by or assessor, status=status, **where
    )
    if declaration is not None:
        ConflictDeclaration.objects.create(
            assessor=assessor, declaration=declaration, nature=nature, **where
        )
    return assignment
