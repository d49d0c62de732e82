"""The award workflow against a table written out here, by hand: an award is live until a
programme manager or an admin cancels it, and a cancelled award stays cancelled."""

import pytest

from core.testing import RoleTable, walk_expected
from core.workflow import MoveRefused
from grants.models import Award
from grants.workflows import AWARD

AWARD_TABLE = RoleTable(
    workflow="award",
    states=("live", "cancelled"),
    moves={("live", "cancelled"): {"programme_manager", "admin"}},
)


def test_every_move_of_the_table(one_user_per_role):
    # 2 states x 2 states x 7 people.
    assert walk_expected(AWARD, AWARD_TABLE, one_user_per_role) == 28


def test_the_model_choices_are_the_workflow_states():
    assert Award.Status.choices == [("live", "Live"), ("cancelled", "Cancelled")]
    assert Award.workflow is AWARD


def test_a_refusal_names_who_may_cancel(one_user_per_role):
    with pytest.raises(MoveRefused) as refused:
        AWARD.check("live", "cancelled", one_user_per_role["finance_officer"])
    assert str(refused.value) == "Only programme managers and admins can cancel an award."
