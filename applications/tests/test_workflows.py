import pytest

from accounts.tests.factories import UserFactory
from applications.workflows import APPLICATION, GATE

WORKFLOWS = {"application": APPLICATION, "gate": GATE}

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
    allowed, reason = WORKFLOWS[workflow].allows(source, target, user)
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
    allowed, reason = WORKFLOWS[workflow].allows(source, target, UserFactory(admin=True))
    assert not allowed
    assert "cannot become" in reason


@pytest.mark.django_db
def test_inactive_and_anonymous_users_cannot_move_anything():
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(programme_manager=True, is_active=False)
    assert not GATE.allows("submitted", "approved", inactive)[0]
    assert not GATE.allows("draft", "submitted", AnonymousUser())[0]


def test_applicants_and_staff_see_different_labels():
    assert APPLICATION.label("rejected") == "Rejected"
    assert APPLICATION.label("rejected", for_applicant=True) == "Not admitted"


@pytest.mark.django_db
def test_refusals_keep_their_wording():
    lead = UserFactory()
    refused = GATE.refusal("submitted", "approved", lead)
    assert refused.reason == "Only admins, programme managers can approve at this point."
    assert APPLICATION.refusal("submitted", "admitted", lead).reason == (
        "An application that is submitted cannot become admitted."
    )
    pm = UserFactory(programme_manager=True)
    assert APPLICATION.refusal("draft", "submitted", pm).reason == (
        "Only lead organisation users can submit at this point."
    )
    assert APPLICATION.refusal(
        "submitted", "withdrawn", UserFactory(funder_officer=True)
    ).reason == (
        "Only admins, lead organisation users, programme managers can withdraw at this point."
    )


def test_statuses_are_declared_once_by_the_workflows():
    from applications.models import ApplicationStatus, GateStatus

    assert ApplicationStatus.choices == APPLICATION.choices
    assert GateStatus.choices == GATE.choices
    assert ApplicationStatus.UNDER_ASSESSMENT == "under_assessment"
