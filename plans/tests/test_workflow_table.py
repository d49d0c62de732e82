"""The plan's workflow against tables written out here, by hand, walked with one real user per
role in both sign-off orders: every listed move allowed for exactly the people it names and
refused for everyone else, every unlisted move refused, with today's wording."""

import pytest

from accounts.tests.factories import UserFactory
from core.testing import RoleTable, walk_expected
from core.workflow import MoveRefused
from plans.models import OperationalPlan
from plans.workflows import PLAN, PlanStatus

pytestmark = pytest.mark.django_db

S = PlanStatus
LEAD, PM, FUNDER = "lead_organisation", "programme_manager", "funder_officer"

# Who may make each move, and its button: the table as it was before the core engine.
EXPECTED = {
    (S.DRAFT, S.DRAFT_SUBMITTED): ({LEAD}, "Submit draft"),
    (S.DRAFT_SUBMITTED, S.FINAL_SUBMITTED): ({LEAD}, "Submit final plan"),
    (S.RETURNED, S.FINAL_SUBMITTED): ({LEAD}, "Resubmit final plan"),
    (S.FINAL_SUBMITTED, S.UNDER_REVIEW): ({PM}, "Start review"),
    (S.UNDER_REVIEW, S.PM_APPROVED): ({PM}, "Approve and sign off"),
    (S.UNDER_REVIEW, S.FUNDER_APPROVED): ({FUNDER}, "Sign off for the funder"),
    (S.PM_APPROVED, S.SIGNED_OFF): ({FUNDER}, "Sign off for the funder"),
    (S.FUNDER_APPROVED, S.SIGNED_OFF): ({PM}, "Approve and sign off"),
    (S.UNDER_REVIEW, S.RETURNED): ({PM, FUNDER}, "Return for changes"),
    (S.PM_APPROVED, S.RETURNED): ({PM, FUNDER}, "Return for changes"),
    (S.FUNDER_APPROVED, S.RETURNED): ({PM, FUNDER}, "Return for changes"),
    (S.UNDER_REVIEW, S.NOT_APPROVED): ({PM, FUNDER}, "Do not approve"),
    (S.PM_APPROVED, S.NOT_APPROVED): ({PM, FUNDER}, "Do not approve"),
    (S.FUNDER_APPROVED, S.NOT_APPROVED): ({PM, FUNDER}, "Do not approve"),
}


# The same rules in literal strings, for the walk. Admins make no plan moves: sign-off stays with
# the people who hold the roles.
_PLAN_STATES = (
    "draft",
    "draft_submitted",
    "final_submitted",
    "under_review",
    "pm_approved",
    "funder_approved",
    "signed_off",
    "returned",
    "not_approved",
)
_REVIEWERS = {"programme_manager", "funder_officer"}
_PLAN_MOVES = {
    ("draft", "draft_submitted"): {"lead_organisation"},
    ("draft_submitted", "final_submitted"): {"lead_organisation"},
    ("returned", "final_submitted"): {"lead_organisation"},
    ("final_submitted", "under_review"): {"programme_manager"},
    ("under_review", "pm_approved"): {"programme_manager"},
    ("under_review", "funder_approved"): {"funder_officer"},
    ("pm_approved", "signed_off"): {"funder_officer"},
    ("funder_approved", "signed_off"): {"programme_manager"},
    ("under_review", "returned"): _REVIEWERS,
    ("pm_approved", "returned"): _REVIEWERS,
    ("funder_approved", "returned"): _REVIEWERS,
    ("under_review", "not_approved"): _REVIEWERS,
    ("pm_approved", "not_approved"): _REVIEWERS,
    ("funder_approved", "not_approved"): _REVIEWERS,
}
PLAN_TABLE_PARALLEL = RoleTable(
    workflow="plan",
    states=_PLAN_STATES,
    moves=_PLAN_MOVES,
    context="sign_off_order='parallel': either party may sign first",
)
PLAN_TABLE_SEQUENTIAL = RoleTable(
    workflow="plan",
    states=_PLAN_STATES,
    moves=_PLAN_MOVES,
    refused_by_condition=frozenset({("under_review", "funder_approved")}),
    context="sign_off_order='sequential': the funder signs only after the programme manager",
)


@pytest.fixture
def users_by_role(one_user_per_role):
    return one_user_per_role


@pytest.mark.parametrize(
    "order, table",
    [("sequential", PLAN_TABLE_SEQUENTIAL), ("parallel", PLAN_TABLE_PARALLEL)],
)
def test_walk_the_table(users_by_role, order, table):
    # 9 states x 9 targets x 7 users.
    assert walk_expected(PLAN, table, users_by_role, sign_off_order=order) == 567


@pytest.mark.parametrize("order, allowed", [("sequential", 19), ("parallel", 20)])
def test_each_move_is_for_exactly_the_roles_it_was_for(users_by_role, order, allowed):
    assert {k: (set(m.who), m.label) for k, m in PLAN.moves.items()} == EXPECTED
    made = 0
    for (source, target), (roles, _label) in EXPECTED.items():
        for role, user in users_by_role.items():
            may, _reason = PLAN.allows(source, target, user, sign_off_order=order)
            guarded = target == S.FUNDER_APPROVED and order != "parallel"
            assert may is (role in roles and not guarded), (source, target, role)
            made += may
    # Every move once per role that may make it, less the funder's first signature when the
    # round is sequential.
    assert made == allowed


def test_refusals_keep_their_wording(users_by_role):
    admin, lead = users_by_role["admin"], users_by_role[LEAD]
    with pytest.raises(MoveRefused) as refused:
        PLAN.check(S.UNDER_REVIEW, S.RETURNED, admin, sign_off_order="parallel")
    assert refused.value.reason == "Only a funder officer or a programme manager can do this."
    assert refused.value.why == "role"
    assert PLAN.allows(S.DRAFT, S.DRAFT_SUBMITTED, users_by_role[PM]) == (
        False,
        "Only the lead organisation can do this.",
    )
    assert PLAN.allows(S.SIGNED_OFF, S.RETURNED, lead) == (
        False,
        "A plan that is signed off cannot become returned for changes.",
    )
    with pytest.raises(MoveRefused) as refused:
        PLAN.check(S.UNDER_REVIEW, S.FUNDER_APPROVED, users_by_role[FUNDER])
    assert refused.value.reason == (
        "In this round the programme manager signs off first, then the funder."
    )
    assert refused.value.why == "condition"


def test_a_superuser_is_an_admin_whatever_the_role_on_their_account():
    """One rule everywhere (core.workflow.user_role): a superuser counts as an admin, and admins
    make no plan moves, so sign-off stays with the people who hold the roles."""
    pm_superuser = UserFactory(programme_manager=True, is_superuser=True)
    assert PLAN.allows(S.FINAL_SUBMITTED, S.UNDER_REVIEW, pm_superuser) == (
        False,
        "Only a programme manager can do this.",
    )
    assert PLAN.allows(S.FINAL_SUBMITTED, S.UNDER_REVIEW, UserFactory(programme_manager=True))[0]


def test_buttons_and_labels(users_by_role):
    lead, funder = users_by_role[LEAD], users_by_role[FUNDER]
    assert [(m.name, m.label) for m in PLAN.moves_for(S.RETURNED, lead)] == [
        ("submit_final", "Resubmit final plan")
    ]
    sequential = PLAN.moves_for(S.UNDER_REVIEW, funder, sign_off_order="sequential")
    parallel = PLAN.moves_for(S.UNDER_REVIEW, funder, sign_off_order="parallel")
    assert [m.name for m in sequential] == ["return", "not_approve"]
    assert [m.name for m in parallel] == ["sign_off", "return", "not_approve"]
    assert PLAN.label(S.DRAFT) == "Draft"
    assert PLAN.label(S.DRAFT, for_applicant=True) == "Draft: not yet sent"
    assert PLAN.tone(S.SIGNED_OFF) == "success" and PLAN.tone(S.NOT_APPROVED) == "danger"
    assert OperationalPlan.workflow is PLAN
