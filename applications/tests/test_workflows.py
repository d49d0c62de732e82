import pytest

from accounts.tests.factories import UserFactory
from applications import workflows

ROLES = {
    "programme_manager": {"programme_manager": True},
    "funder_officer": {"funder_officer": True},
    "relationship_manager": {"relationship_manager": True},
    "lead_organisation": {},
    "admin": {"admin": True},
}

# (workflow, from, to, roles allowed) — the whole table, written out again so a change to the
# table has to be a deliberate change here too.
EXPECTED = [
    ("application", "draft", "submitted", {"lead_organisation"}),
    ("application", "submitted", "under_assessment", {"programme_manager", "admin"}),
    ("application", "under_assessment", "admitted", {"programme_manager", "admin"}),
    ("application", "under_assessment", "rejected", {"programme_manager", "admin"}),
    ("application", "draft", "withdrawn", {"lead_organisation", "programme_manager", "admin"}),
    ("application", "submitted", "withdrawn", {"lead_organisation", "programme_manager", "admin"}),
    ("gate", "draft", "submitted", {"lead_organisation"}),
    ("gate", "submitted", "approved", {"programme_manager", "admin"}),
    ("gate", "submitted", "rejected", {"programme_manager", "admin"}),
    ("gate", "draft", "withdrawn", {"lead_organisation", "programme_manager", "admin"}),
    ("gate", "submitted", "withdrawn", {"lead_organisation", "programme_manager", "admin"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("workflow", "source", "target", "allowed_roles"), EXPECTED)
def test_every_move_allowed_only_for_its_roles(workflow, source, target, allowed_roles, role):
    user = UserFactory(**ROLES[role])
    allowed, reason = workflows.check_move(workflow, source, target, user)
    assert allowed is (role in allowed_roles)
    assert (reason == "") is allowed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("workflow", "source", "target"),
    [
        ("application", "draft", "admitted"),
        ("application", "submitted", "admitted"),
        ("application", "rejected", "admitted"),
        ("application", "admitted", "withdrawn"),
        ("application", "under_assessment", "withdrawn"),
        ("gate", "draft", "approved"),
        ("gate", "approved", "rejected"),
        ("gate", "rejected", "submitted"),
    ],
)
def test_moves_missing_from_the_table_are_refused_even_for_admins(workflow, source, target):
    allowed, reason = workflows.check_move(workflow, source, target, UserFactory(admin=True))
    assert not allowed
    assert "cannot become" in reason


@pytest.mark.django_db
def test_inactive_and_anonymous_users_cannot_move_anything():
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(programme_manager=True, is_active=False)
    assert not workflows.check_move("gate", "submitted", "approved", inactive)[0]
    assert not workflows.check_move("gate", "draft", "submitted", AnonymousUser())[0]


def test_applicants_and_staff_see_different_labels():
    assert workflows.label("application", "rejected") == "Rejected"
    assert workflows.label("application", "rejected", for_applicant=True) == "Not admitted"
