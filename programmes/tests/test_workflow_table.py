"""The area workflow (an area's place in the programme) against a table written out here, by
hand: programme managers and admins record that an area withdrew or did not progress, and
reinstate it; nobody else, and no other move."""

import pytest

from core.testing import RoleTable, walk_expected
from programmes.workflows import AREA

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}

AREA_TABLE = RoleTable(
    workflow="area",
    states=("active", "not_progressed", "withdrawn", "completed"),
    moves={
        ("active", "withdrawn"): MANAGERS,
        ("active", "not_progressed"): MANAGERS,
        ("withdrawn", "active"): MANAGERS,
        ("not_progressed", "active"): MANAGERS,
    },
)


def test_area_table(one_user_per_role):
    # 4 states: 16 pairs x 7 people.
    assert walk_expected(AREA, AREA_TABLE, one_user_per_role) == 112
