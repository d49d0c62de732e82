"""The grant closure and unspent money workflows against tables written out here, by hand.

Closure: programme managers and admins close the grant, open it for a correction and close it
again; nobody else. Unspent money: programme managers, finance officers and admins record it
returned; programme managers and admins propose a write-off, and approve or refuse it (never the
person who proposed it)."""

from types import SimpleNamespace

import pytest

from closure.models import GrantClosure, UnspentMoney
from closure.workflows import CLOSURE, PROPOSER_MAY_NOT_APPROVE, UNSPENT
from core.testing import RoleTable, walk_expected

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}

CLOSURE_TABLE = RoleTable(
    workflow="closure",
    states=("closing", "closed", "correcting"),
    moves={
        ("closing", "closed"): MANAGERS,
        ("closed", "correcting"): MANAGERS,
        ("correcting", "closed"): MANAGERS,
    },
    context="no closure, so the readiness guard has nothing to judge and allows",
)

UNSPENT_TABLE = RoleTable(
    workflow="unspent",
    states=("to_return", "returned", "write_off_proposed", "written_off"),
    moves={
        ("to_return", "returned"): {"programme_manager", "finance_officer", "admin"},
        ("to_return", "write_off_proposed"): MANAGERS,
        ("write_off_proposed", "written_off"): MANAGERS,
        ("write_off_proposed", "to_return"): MANAGERS,
    },
    context="no unspent money, so the second-approver guard has nothing to judge and allows",
)


def test_every_move_of_the_closure_table(one_user_per_role):
    # 3 states x 3 states x 7 people.
    assert walk_expected(CLOSURE, CLOSURE_TABLE, one_user_per_role) == 63


def test_every_move_of_the_unspent_table(one_user_per_role):
    # 4 states x 4 states x 7 people.
    assert walk_expected(UNSPENT, UNSPENT_TABLE, one_user_per_role) == 112


def test_whoever_proposed_a_write_off_may_not_approve_it(one_user_per_role):
    pm, admin = one_user_per_role["programme_manager"], one_user_per_role["admin"]
    unspent = SimpleNamespace(proposed_by_id=pm.pk)
    refused = UNSPENT.refusal("write_off_proposed", "written_off", pm, unspent=unspent, approver=pm)
    assert refused is not None and refused.why == "condition"
    assert refused.reason == PROPOSER_MAY_NOT_APPROVE
    assert (
        UNSPENT.refusal("write_off_proposed", "written_off", admin, unspent=unspent, approver=admin)
        is None
    )


def test_the_model_choices_are_the_workflow_states():
    assert GrantClosure.Status.choices == CLOSURE.choices
    assert UnspentMoney.Status.choices == UNSPENT.choices
