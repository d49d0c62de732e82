"""Delivery's workflows against tables written out here, by hand: every (from, to, role) allowed
or refused as the table says, with one real user per role and an anonymous visitor. The area
scope (a lead user only acts on their own area) is ``delivery/permissions.py``'s, tested with the
services."""

import pytest

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from core.testing import RoleTable, walk_expected
from core.workflow import MoveRefused
from delivery.models import (
    CommitmentStatus,
    MatchFundingCommitment,
    ProgressReturn,
    ReturnStatus,
)
from delivery.workflows import COMMITMENT, MOVE_NAMES, RETURN, is_return_reviewer

from .factories import ImplementingAreaFactory

C = CommitmentStatus

MANAGERS = {"programme_manager", "admin"}
AREA_SIDE = {"lead_organisation", "programme_manager", "admin"}

COMMITMENT_TABLE = RoleTable(
    workflow="commitment",
    states=("committed", "confirmed", "received", "withdrawn"),
    moves={
        ("committed", "confirmed"): MANAGERS,
        ("confirmed", "received"): AREA_SIDE,
        ("committed", "withdrawn"): AREA_SIDE,
        ("confirmed", "withdrawn"): AREA_SIDE,
    },
)

_RETURN_STATES = ("draft", "submitted", "changes_requested", "accepted")
RETURN_TABLE = RoleTable(
    workflow="return",
    states=_RETURN_STATES,
    moves={
        ("draft", "submitted"): AREA_SIDE,
        ("changes_requested", "submitted"): AREA_SIDE,
        ("submitted", "accepted"): MANAGERS,
        ("submitted", "changes_requested"): MANAGERS,
    },
    context="empty: no area, so no relationship manager reviews; the window and comment guards "
    "have no return to judge",
)
RETURN_TABLE_FOR_AN_AREA = RoleTable(
    workflow="return",
    states=_RETURN_STATES,
    moves={
        ("draft", "submitted"): AREA_SIDE,
        ("changes_requested", "submitted"): AREA_SIDE,
        # "area_rm": the relationship manager who looks after the area now; the plain
        # "relationship_manager" looks after other areas.
        ("submitted", "accepted"): MANAGERS | {"area_rm"},
        ("submitted", "changes_requested"): MANAGERS | {"area_rm"},
    },
    context="the return's area",
)


@pytest.fixture
def users_by_role(one_user_per_role):
    return one_user_per_role


def test_every_commitment_move(users_by_role):
    # 4 states x 4 states x 7 people.
    assert walk_expected(COMMITMENT, COMMITMENT_TABLE, users_by_role) == 112


def test_every_return_move(users_by_role):
    # 4 states x 4 states x 7 people. Without an area the reviewers are managers and admins.
    assert walk_expected(RETURN, RETURN_TABLE, users_by_role) == 112


def test_the_areas_relationship_manager_reviews_its_returns(users_by_role):
    area = ImplementingAreaFactory()
    area_rm = UserFactory(relationship_manager=True)
    AreaAssignmentFactory(area=area, user=area_rm)
    people = {**users_by_role, "area_rm": area_rm}
    # Who looks after the area is in the context, as the service reads it.
    looks_after = {"area_relationship_manager_id": area_rm.pk}
    assert walk_expected(RETURN, RETURN_TABLE_FOR_AN_AREA, people, **looks_after) == 128
    with pytest.raises(MoveRefused) as refused:
        RETURN.check(
            ReturnStatus.SUBMITTED,
            ReturnStatus.ACCEPTED,
            users_by_role["relationship_manager"],
            **looks_after,
        )
    assert refused.value.why == "role"
    assert "the area's relationship manager" in refused.value.reason


def test_the_reviewer_rule_reads_only_its_context(db, django_assert_num_queries):
    """A workflow rule runs no query: who looks after the area is given to it."""
    area_rm = UserFactory(relationship_manager=True)
    other_rm = UserFactory(relationship_manager=True)
    lead = UserFactory()  # a lead organisation user
    pm = UserFactory(programme_manager=True)
    looks_after = {"area_relationship_manager_id": area_rm.pk}
    with django_assert_num_queries(0):
        assert is_return_reviewer(area_rm, looks_after)
        assert is_return_reviewer(pm, {"area_relationship_manager_id": None})
        assert not is_return_reviewer(other_rm, looks_after)
        # A lead organisation user never reviews, whatever id the context names.
        assert not is_return_reviewer(lead, {"area_relationship_manager_id": lead.pk})
        refused = RETURN.refusal(
            ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, other_rm, **looks_after
        )
    assert refused is not None and refused.why == "role"


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
