"""The due diligence checklist and high-risk decision workflows against tables written out here,
by hand: programme managers and admins prepare a checklist and send it for confirmation, and
confirm it or send it back (never one they prepared themselves); they record the decision on a
high fraud risk. Nobody else, and no other move."""

from types import SimpleNamespace

import pytest

from core.testing import RoleTable, walk_expected
from diligence.workflows import DILIGENCE, OWN_CHECKLIST, RISK_DECISION

pytestmark = pytest.mark.django_db

PREPARERS = {"programme_manager", "admin"}

DILIGENCE_TABLE = RoleTable(
    workflow="diligence",
    states=("draft", "submitted", "returned", "confirmed"),
    moves={
        ("draft", "submitted"): PREPARERS,
        ("returned", "submitted"): PREPARERS,
        ("submitted", "confirmed"): PREPARERS,
        ("submitted", "returned"): PREPARERS,
    },
    context="no checklist, so the completeness and four-eyes guards have nothing to judge",
)

RISK_TABLE = RoleTable(
    workflow="diligence_risk",
    states=("not_needed", "pending", "proceed", "stop"),
    moves={
        ("pending", "proceed"): PREPARERS,
        ("pending", "stop"): PREPARERS,
        ("stop", "proceed"): PREPARERS,
    },
)


def test_every_move_of_the_checklist_table(one_user_per_role):
    # 4 states x 4 states x 7 people.
    assert walk_expected(DILIGENCE, DILIGENCE_TABLE, one_user_per_role) == 112


def test_every_move_of_the_risk_table(one_user_per_role):
    # 4 states x 4 states x 7 people.
    assert walk_expected(RISK_DECISION, RISK_TABLE, one_user_per_role) == 112


@pytest.mark.parametrize("to", ["confirmed", "returned"])
def test_whoever_prepared_a_checklist_neither_confirms_nor_returns_it(one_user_per_role, to):
    pm, admin = one_user_per_role["programme_manager"], one_user_per_role["admin"]
    checklist = SimpleNamespace(prepared_by_id=pm.pk)
    refused = DILIGENCE.refusal("submitted", to, pm, diligence=checklist, by=pm)
    assert refused is not None and refused.why == "condition" and refused.reason == OWN_CHECKLIST
    assert DILIGENCE.refusal("submitted", to, admin, diligence=checklist, by=admin) is None
