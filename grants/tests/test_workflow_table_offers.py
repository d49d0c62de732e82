"""The grant offer workflow against a table written out here, by hand, for the area's own lead
and everyone else: only a member of the area's lead organisation accepts; programme managers and
admins withdraw and reissue."""

import pytest

from accounts.tests.factories import MembershipFactory, UserFactory
from core.testing import RoleTable, walk_expected
from core.workflow import MoveRefused
from grants.models import GrantOffer
from grants.offers.workflows import OFFER

S = GrantOffer.Status

MANAGERS = {"programme_manager", "admin"}

OFFER_TABLE = RoleTable(
    workflow="offer",
    states=("issued", "accepted", "withdrawn", "superseded"),
    moves={
        # "own_lead": a member of the area's lead organisation ("lead_organisation" is another
        # organisation's lead, who may not).
        ("issued", "accepted"): {"own_lead"},
        ("issued", "withdrawn"): MANAGERS,
        ("accepted", "withdrawn"): MANAGERS,
        ("issued", "superseded"): MANAGERS,
        ("accepted", "superseded"): MANAGERS,
        ("withdrawn", "superseded"): MANAGERS,
    },
    context="the offer's area",
)


@pytest.fixture
def users_by_role(one_user_per_role, area):
    own_lead = UserFactory(username="own-lead")
    MembershipFactory(user=own_lead, organisation=area.lead_organisation)
    return {**one_user_per_role, "own_lead": own_lead}


def test_every_move_of_the_table(users_by_role, area):
    # 4 states x 4 states x 8 people.
    assert walk_expected(OFFER, OFFER_TABLE, users_by_role, area=area) == 128


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
