"""Delivery's workflow tables walked whole: every (from, to, role) allowed or refused as declared,
with one real user per role and an anonymous visitor. The area scope (a lead user only acts on
their own area) is ``delivery/permissions.py``'s, tested with the services."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from core.testing import walk_table
from core.workflow import MoveRefused
from delivery.models import (
    CommitmentStatus,
    MatchFundingCommitment,
    ProgressReturn,
    ReturnStatus,
)
from delivery.workflows import COMMITMENT, MOVE_NAMES, RETURN

from .factories import ImplementingAreaFactory

C = CommitmentStatus


@pytest.fixture
def users_by_role(db):
    return {
        "programme_manager": UserFactory(programme_manager=True),
        "funder_officer": UserFactory(funder_officer=True),
        "relationship_manager": UserFactory(relationship_manager=True),
        "lead_organisation": UserFactory(),
        "admin": UserFactory(admin=True),
        "anonymous": AnonymousUser(),
    }


def test_every_commitment_move(users_by_role):
    # 4 states x 4 states x 6 people.
    assert walk_table(COMMITMENT, users_by_role) == 96


def test_every_return_move(users_by_role):
    # 4 states x 4 states x 6 people. Without an area the reviewers are managers and admins.
    assert walk_table(RETURN, users_by_role) == 96


def test_the_areas_relationship_manager_reviews_its_returns(users_by_role):
    area = ImplementingAreaFactory()
    AreaAssignmentFactory(area=area, user=users_by_role["relationship_manager"])
    assert walk_table(RETURN, users_by_role, area=area) == 96
    other_rm = UserFactory(relationship_manager=True)
    with pytest.raises(MoveRefused) as refused:
        RETURN.check(ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, other_rm, area=area)
    assert refused.value.why == "role"
    assert "the area's relationship manager" in refused.value.reason


def test_the_model_choices_are_the_workflow_states():
    assert CommitmentStatus.choices == COMMITMENT.choices
    assert ReturnStatus.choices == RETURN.choices
    assert MatchFundingCommitment.workflow is COMMITMENT
    assert ProgressReturn.workflow is RETURN


def test_url_move_names_find_their_moves():
    assert {"confirm", "receive", "withdraw"} == MOVE_NAMES
    assert COMMITMENT.move_named(C.COMMITTED, "confirm").target == C.CONFIRMED
    assert COMMITMENT.move_named(C.CONFIRMED, "withdraw").target == C.WITHDRAWN
    assert COMMITMENT.move_named(C.COMMITTED, "receive") is None


def test_refusals_keep_their_wording(users_by_role):
    with pytest.raises(MoveRefused) as refused:
        COMMITMENT.check(C.RECEIVED, C.WITHDRAWN, users_by_role["admin"])
    assert str(refused.value) == "A received commitment cannot become withdrawn."
    with pytest.raises(MoveRefused) as refused:
        COMMITMENT.check(C.CONFIRMED, C.RECEIVED, users_by_role["funder_officer"])
    assert str(refused.value) == (
        "Only admins, lead organisation users, programme managers can record receipt a "
        "commitment at this point."
    )
