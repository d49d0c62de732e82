import pytest

from accounts.tests.factories import UserFactory
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

from .factories import LogicModelFactory, PlanFactory, lead_member_of


@pytest.fixture
def parallel_round(db):
    return RoundFactory(sign_off_order="parallel")


@pytest.fixture
def sequential_round(db):
    return RoundFactory(sign_off_order="sequential")


@pytest.fixture
def gg_area(db, parallel_round):
    return AreaFactory(round=parallel_round, stage=AreaStage.GETTING_GOING)


@pytest.fixture
def author(gg_area):
    return lead_member_of(gg_area, username="author")


@pytest.fixture
def pm(db):
    return UserFactory(username="pm1", programme_manager=True)


@pytest.fixture
def funder(db):
    return UserFactory(username="funder1", funder_officer=True)


@pytest.fixture
def ready_plan(gg_area):
    """A draft plan with a logic model, ready to go through the workflow."""
    LogicModelFactory(area=gg_area, rows=2)
    return PlanFactory(area=gg_area)
