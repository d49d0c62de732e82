"""The payment workflow's whole table: every (from, to, role) allowed or refused as declared, with
one real user per role and an anonymous visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from core.testing import walk_table
from core.workflow import MoveRefused
from grants.models import Payment
from grants.workflows import PAYMENT

S = Payment.Status


@pytest.fixture
def users_by_role(db):
    return {
        "programme_manager": UserFactory(programme_manager=True),
        "funder_officer": UserFactory(funder_officer=True),
        "finance_officer": UserFactory(finance_officer=True),
        "relationship_manager": UserFactory(relationship_manager=True),
        "lead_organisation": UserFactory(),
        "admin": UserFactory(admin=True),
        "anonymous": AnonymousUser(),
    }


def test_every_move_of_the_table(users_by_role):
    # 6 states x 6 states x 7 people, by role alone (no payment in the context).
    assert walk_table(PAYMENT, users_by_role) == 252


@pytest.mark.parametrize("amount", ["500.00", "12000.00"])
def test_every_move_of_the_table_with_a_payment_under_and_over_the_threshold(users_by_role, amount):
    """With a payment in the context the threshold guards answer: under £10,000 approving
    goes straight to approved, over it to awaiting second approval ("condition" refusals for the
    other branch)."""
    from decimal import Decimal

    from grants.tests.factories import AwardFactory, PaymentFactory
    from grants.workflows import payment_context

    payment = PaymentFactory(award=AwardFactory(amount=Decimal("20000")), amount=Decimal(amount))
    context = payment_context(payment, None)
    assert walk_table(PAYMENT, users_by_role, **context) == 252
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
