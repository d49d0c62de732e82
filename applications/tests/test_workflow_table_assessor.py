"""The assessor's assignment workflow against a table written out here, by hand: only the
assigned assessor declares (no conflict, or a conflict); programme managers and admins remove an
assignment and assign it again (back to what was declared before, or to awaiting a declaration);
nobody else, and no other move."""

from types import SimpleNamespace

import pytest

from accounts.tests.factories import UserFactory
from applications.models import AssessorStatus
from applications.workflows import ASSESSOR
from core.testing import RoleTable, walk_expected

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}
# "the_assessor": the person assigned (a relationship manager here); the roles' own people are
# not assigned, so none of them may declare.
ASSESSOR_TABLE = RoleTable(
    workflow="assessor",
    states=("awaiting", "clear", "conflicted", "removed"),
    moves={
        ("awaiting", "clear"): {"the_assessor"},
        ("awaiting", "conflicted"): {"the_assessor"},
        ("awaiting", "removed"): MANAGERS,
        ("clear", "removed"): MANAGERS,
        ("conflicted", "removed"): MANAGERS,
        ("removed", "awaiting"): MANAGERS,
        ("removed", "clear"): MANAGERS,
        ("removed", "conflicted"): MANAGERS,
    },
    context="the assignment, of the_assessor",
)


@pytest.fixture
def people(one_user_per_role):
    return {**one_user_per_role, "the_assessor": UserFactory(relationship_manager=True)}


def test_every_move_of_the_table(people):
    assignment = SimpleNamespace(assessor_id=people["the_assessor"].pk)
    # 4 states x 4 states x 8 people.
    assert walk_expected(ASSESSOR, ASSESSOR_TABLE, people, assignment=assignment) == 128


def test_without_an_assignment_nobody_declares(people):
    for user in people.values():
        refused = ASSESSOR.refusal("awaiting", "clear", user)
        assert refused is not None and refused.why == "role"
        assert refused.reason == "Only the assigned assessor can declare no conflict at this point."


def test_the_model_choices_are_the_workflow_states():
    assert AssessorStatus.choices == ASSESSOR.choices
