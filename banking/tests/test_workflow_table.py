"""The bank account workflow against a table written out here, by hand: finance officers and
programme managers confirm or reject details awaiting confirmation (never details they entered
themselves), and the system replaces a confirmed account when the next one is confirmed."""

import pytest

from banking.models import BankAccount
from banking.workflows import BANK_ACCOUNT, ENTERER_MAY_NOT_CONFIRM
from core.testing import EVERYONE, RoleTable, walk_expected
from core.workflow import MoveRefused

CONFIRMERS = {"finance_officer", "programme_manager"}

BANK_TABLE = RoleTable(
    workflow="bank_account",
    states=("pending", "confirmed", "rejected", "superseded"),
    moves={
        ("pending", "confirmed"): CONFIRMERS,
        ("pending", "rejected"): CONFIRMERS,
        ("confirmed", "superseded"): {EVERYONE},
    },
)


def test_every_move_of_the_table(one_user_per_role):
    # 4 states x 4 states x 7 people.
    assert walk_expected(BANK_ACCOUNT, BANK_TABLE, one_user_per_role) == 112


def test_the_model_choices_are_the_workflow_states():
    assert [value for value, _ in BankAccount.Status.choices] == [
        "pending",
        "confirmed",
        "rejected",
        "superseded",
    ]


def test_whoever_entered_the_details_may_not_confirm_them(one_user_per_role):
    finance = one_user_per_role["finance_officer"]
    account = BankAccount(entered_by=finance, status="pending")
    with pytest.raises(MoveRefused) as refused:
        BANK_ACCOUNT.check(account, "confirmed", finance, account=account, actor=finance)
    assert refused.value.reason == ENTERER_MAY_NOT_CONFIRM
    assert refused.value.why == "condition"
    other = one_user_per_role["programme_manager"]
    BANK_ACCOUNT.check(account, "confirmed", other, account=account, actor=other)
