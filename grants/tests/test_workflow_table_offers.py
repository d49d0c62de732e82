"""The grant offer workflow's whole table, for the area's own lead and everyone else."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import MembershipFactory, UserFactory
from core.testing import walk_table
from core.workflow import MoveRefused
from grants.models import GrantOffer
from grants.offers.workflows import OFFER

S = GrantOffer.Status


@pytest.fixture
def users_by_role(db, area):
    own_lead = UserFactory(username="own-lead")
    MembershipFactory(user=own_lead, organisation=area.lead_organisation)
    return {
        "programme_manager": UserFactory(programme_manager=True),
        "funder_officer": UserFactory(funder_officer=True),
        "relationship_manager": UserFactory(relationship_manager=True),
        "lead_organisation": UserFactory(),  # another organisation's lead
        "own_lead": own_lead,
        "admin": UserFactory(admin=True),
        "anonymous": AnonymousUser(),
    }


def test_every_move_of_the_table(users_by_role, area):
    # 4 states x 4 states x 7 people.
    assert walk_table(OFFER, users_by_role, area=area) == 112


def test_the_model_choices_are_the_workflow_states():
    assert GrantOffer.Status.choices == OFFER.choices
    assert GrantOffer.workflow is OFFER


def test_only_the_areas_own_lead_may_accept(users_by_role, area):
    OFFER.check(S.ISSUED, S.ACCEPTED, users_by_role["own_lead"], area=area)
    with pytest.raises(MoveRefused) as refused:
        OFFER.check(S.ISSUED, S.ACCEPTED, users_by_role["lead_organisation"], area=area)
    assert str(refused.value) == "Only the area's lead organisation can accept this grant offer."
    with pytest.raises(MoveRefused) as refused:
        OFFER.check(S.SUPERSEDED, S.ACCEPTED, users_by_role["own_lead"], area=area)
    assert str(refused.value) == "A grant offer that is superseded cannot become accepted."
