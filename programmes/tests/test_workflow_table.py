"""The area workflow (an area's place in the programme) against a table written out here, by
hand: programme managers and admins record that an area withdrew or did not progress, and
reinstate it; an active area completes the programme only when its grant is closed (the closure
app's ``closure_close``, made by the same people); nobody else, and no other move."""

import pytest

from closure.models import GrantClosure
from core.testing import RoleTable, walk_expected
from programmes.workflows import AREA, NOT_CLOSED

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}
STATES = ("active", "not_progressed", "withdrawn", "completed")
MOVES = {
    ("active", "withdrawn"): MANAGERS,
    ("active", "not_progressed"): MANAGERS,
    ("withdrawn", "active"): MANAGERS,
    ("not_progressed", "active"): MANAGERS,
    ("active", "completed"): MANAGERS,
}

AREA_TABLE = RoleTable(
    workflow="area",
    states=STATES,
    moves=MOVES,
    refused_by_condition=frozenset({("active", "completed")}),
    context="empty: no grant closure, so completing is refused for the people who could make it",
)

AREA_TABLE_GRANT_CLOSED = RoleTable(
    workflow="area",
    states=STATES,
    moves=MOVES,
    context="the area's grant closure, closed, as closure_close passes it",
)


def test_area_table(one_user_per_role):
    # 4 states: 16 pairs x 7 people.
    assert walk_expected(AREA, AREA_TABLE, one_user_per_role) == 112


def test_area_table_when_its_grant_is_closed(one_user_per_role):
    closed = GrantClosure(status="closed")
    assert walk_expected(AREA, AREA_TABLE_GRANT_CLOSED, one_user_per_role, closure=closed) == 112


@pytest.mark.parametrize("status", ["closing", "correcting"])
def test_an_area_whose_grant_is_not_closed_does_not_complete(one_user_per_role, status):
    refused = AREA.refusal(
        "active",
        "completed",
        one_user_per_role["programme_manager"],
        closure=GrantClosure(status=status),
    )
    assert refused is not None and refused.why == "condition"
    assert refused.reason == NOT_CLOSED
