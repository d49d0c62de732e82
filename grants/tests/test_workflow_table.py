"""The payment workflow against a table written out here, by hand: every (from, to, role) allowed
or refused as the table says, with one real user per role and an anonymous visitor. The table is
about roles; the four-eyes guards (which person of a role may) have their own tests."""

from decimal import Decimal

import pytest

from core.testing import EVERYONE, RoleTable, walk_expected
from core.workflow import MoveRefused
from grants.models import Payment
from grants.tests.factories import AwardFactory, PaymentFactory
from grants.workflows import PAYMENT, payment_context

S = Payment.Status

MANAGERS = {"programme_manager", "admin"}
APPROVERS = {"programme_manager", "finance_officer", "admin"}

_PAYMENT_STATES = ("scheduled", "held", "approved", "paid", "cancelled", "approved_once")
_PAYMENT_MOVES = {
    # Released by the system when the held share's condition is met, whoever's action that was.
    ("held", "scheduled"): {EVERYONE},
    ("held", "cancelled"): MANAGERS,
    ("scheduled", "approved"): APPROVERS,
    ("scheduled", "approved_once"): APPROVERS,
    ("scheduled", "cancelled"): MANAGERS,
    ("approved_once", "approved"): APPROVERS,
    ("approved_once", "cancelled"): MANAGERS,
    ("approved", "paid"): {"finance_officer"},
    ("approved", "cancelled"): MANAGERS,
}
PAYMENT_TABLE = RoleTable(
    workflow="payment",
    states=_PAYMENT_STATES,
    moves=_PAYMENT_MOVES,
    context="empty: no payment, so the four-eyes and threshold guards have nothing to judge",
)
# With a payment (and no one asking) in the context only the threshold guards speak: under the
# programme's £10,000 approving goes straight to approved, over it to awaiting second approval.
PAYMENT_TABLE_UNDER_THRESHOLD = RoleTable(
    workflow="payment",
    states=_PAYMENT_STATES,
    moves=_PAYMENT_MOVES,
    refused_by_condition=frozenset({("scheduled", "approved_once")}),
    context="a £500 payment of a £20,000 award",
)
PAYMENT_TABLE_OVER_THRESHOLD = RoleTable(
    workflow="payment",
    states=_PAYMENT_STATES,
    moves=_PAYMENT_MOVES,
    refused_by_condition=frozenset({("scheduled", "approved")}),
    context="a £12,000 payment of a £20,000 award",
)


@pytest.fixture
def users_by_role(one_user_per_role):
    return one_user_per_role


def test_every_move_of_the_table(users_by_role):
    # 6 states x 6 states x 7 people, by role alone (no payment in the context).
    assert walk_expected(PAYMENT, PAYMENT_TABLE, users_by_role) == 252


@pytest.mark.parametrize(
    "amount, table",
    [("500.00", PAYMENT_TABLE_UNDER_THRESHOLD), ("12000.00", PAYMENT_TABLE_OVER_THRESHOLD)],
)
def test_every_move_of_the_table_with_a_payment_under_and_over_the_threshold(
    users_by_role, amount, table
):
    payment = PaymentFactory(award=AwardFactory(amount=Decimal("20000")), amount=Decimal(amount))
    context = payment_context(payment, None)
    assert walk_expected(PAYMENT, table, users_by_role, **context) == 252
    manager = users_by_role["programme_manager"]
    over = amount == "12000.00"
    with pytest.raises(MoveRefused) as refused:
        PAYMENT.check(S.SCHEDULED, S.APPROVED if over else S.APPROVED_ONCE, manager, **context)
    assert refused.value.why == "condition"


def test_the_model_choices_are_the_workflow_states():
    assert Payment.Status.choices == PAYMENT.choices
    assert Payment.workflow is PAYMENT


def test_release_is_the_systems_move_and_never_a_button(users_by_role):
    for user in users_by_role.values():
        assert PAYMENT.check(S.HELD, S.SCHEDULED, user).is_system
    manager = users_by_role["programme_manager"]
    assert [m.target for m in PAYMENT.moves_for(S.HELD, manager)] == [S.CANCELLED]


def test_refusals_keep_their_wording(users_by_role):
    with pytest.raises(MoveRefused) as refused:
        PAYMENT.check(S.PAID, S.CANCELLED, users_by_role["admin"])
    assert str(refused.value) == "A payment that is paid cannot be moved to cancelled."
    with pytest.raises(MoveRefused) as refused:
        PAYMENT.check(S.APPROVED, S.PAID, users_by_role["funder_officer"])
    assert str(refused.value) == "Only finance officers can mark as paid payments."
    with pytest.raises(MoveRefused) as refused:
        PAYMENT.check(S.SCHEDULED, S.CANCELLED, users_by_role["finance_officer"])
    assert str(refused.value) == "Only programme managers and admins can cancel payments."


def test_every_state_has_one_place_in_the_money_figures():
    """Where each state's money counts, as this test expects it (not read from the code)."""
    from grants.workflows import MONEY_FIGURE

    assert MONEY_FIGURE == {
        "scheduled": "awaiting_approval",
        "held": "held",
        "approved": "approved",
        "paid": "paid",
        "cancelled": None,
        "approved_once": "awaiting_approval",
    }


def test_a_state_added_without_a_place_in_the_figures_is_refused():
    from core.workflow import REGISTRY, State, Workflow
    from grants.workflows import MONEY_FIGURE, figures_check

    grown = Workflow(
        name="payment_with_a_new_state",
        noun="A payment",
        states=[*PAYMENT.states.values(), State("on_hold", "On hold")],
        moves=[],
    )
    REGISTRY.pop(grown.name)  # a throwaway: not a workflow templates may name
    with pytest.raises(ValueError, match="missing: on_hold"):
        figures_check(grown, MONEY_FIGURE)
    figures_check(grown, {**MONEY_FIGURE, "on_hold": "held"})
