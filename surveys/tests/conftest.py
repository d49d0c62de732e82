import pytest

from accounts.tests.factories import MembershipFactory, UserFactory
from programmes.models import AreaStage, OrganisationType
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory
from surveys import services


def implementing_area(round, org_type=OrganisationType.VCS, *, contacts=1):
    """An area in implementation whose lead organisation has `contacts` users with emails."""
    org = OrganisationFactory(org_type=org_type, charity_number="")
    area = AreaFactory(round=round, lead_organisation=org, stage=AreaStage.IMPLEMENTATION)
    for _ in range(contacts):
        user = UserFactory()
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
        MembershipFactory(user=user, organisation=org)
    return area


@pytest.fixture
def survey_round(db):
    return RoundFactory()


@pytest.fixture
def lead_survey(survey_round, programme_manager):
    return services.standard_survey_create(
        round=survey_round, which="lead", actor=programme_manager
    )


@pytest.fixture
def open_survey(lead_survey, programme_manager):
    """The lead survey open for three areas: two VCS (one with two contacts), one council."""
    rnd = lead_survey.round
    implementing_area(rnd, contacts=2)
    implementing_area(rnd)
    implementing_area(rnd, OrganisationType.LOCAL_AUTHORITY)
    services.survey_open(survey=lead_survey, actor=programme_manager)
    return lead_survey


def question(survey, code):
    return survey.questions.get(code=code)


def choice(q, code):
    return q.choice_set.choices.get(code=code).pk


def item(q, code):
    return q.item_list.items.get(code=code).pk


def difficulty(survey, **answers) -> dict:
    """Values for the stage difficulty question: item code -> choice code."""
    q = question(survey, "stage_difficulty")
    return {(q.pk, item(q, i)): choice(q, c) for i, c in answers.items()}
