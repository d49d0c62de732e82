"""The application and gate workflows against tables written out here, by hand: every (from, to,
role) is allowed for exactly the roles listed and refused for everyone else, and every move not
listed is refused. Changing who may make a move fails here until the table agrees."""

import pytest

from applications.workflows import APPLICATION, GATE
from core.testing import RoleTable, walk_expected

pytestmark = pytest.mark.django_db

LEAD = "lead_organisation"
MANAGERS = {"programme_manager", "admin"}
EITHER = {LEAD, "programme_manager", "admin"}

APPLICATION_TABLE = RoleTable(
    workflow="application",
    states=("draft", "submitted", "under_assessment", "admitted", "rejected", "withdrawn"),
    moves={
        ("draft", "submitted"): {LEAD},
        ("submitted", "under_assessment"): MANAGERS,
        ("under_assessment", "admitted"): MANAGERS,
        ("under_assessment", "rejected"): MANAGERS,
        ("draft", "withdrawn"): EITHER,
        ("submitted", "withdrawn"): EITHER,
    },
)

GATE_TABLE = RoleTable(
    workflow="gate",
    states=("draft", "submitted", "approved", "rejected", "withdrawn"),
    moves={
        ("draft", "submitted"): {LEAD},
        ("submitted", "approved"): MANAGERS,
        ("submitted", "rejected"): MANAGERS,
        ("draft", "withdrawn"): EITHER,
        ("submitted", "withdrawn"): EITHER,
    },
)


def test_application_table(one_user_per_role):
    # 6 states, so 36 (from, to) pairs, each tried by 7 people.
    assert walk_expected(APPLICATION, APPLICATION_TABLE, one_user_per_role) == 252


def test_gate_table(one_user_per_role):
    # 5 states: 25 pairs x 7 people.
    assert walk_expected(GATE, GATE_TABLE, one_user_per_role) == 175
