"""The permission functions every view, service and template relies on."""

import pytest

from accounts import permissions as perms
from accounts.tests.factories import MembershipFactory, UserFactory
from programmes import permissions as scopes
from programmes.tests.factories import AreaFactory, OrganisationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

STAFF = [
    "programme_manager",
    "funder_officer",
    "finance_officer",
    "relationship_manager",
    "admin_user",
]


@pytest.fixture
def staff(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("staff", STAFF, indirect=True)
def test_programme_staff_see_every_area(staff, area, other_area):
    assert set(scopes.areas_visible_to(staff)) == {area, other_area}
    assert perms.can_view_area(staff, other_area)[0]


def test_lead_user_sees_only_the_areas_their_organisation_leads(lead_user, area, other_area):
    second_led = AreaFactory(lead_organisation=area.lead_organisation)

    assert set(scopes.areas_visible_to(lead_user)) == {area, second_led}
    assert perms.can_view_area(lead_user, area) == (True, "")
    allowed, reason = perms.can_view_area(lead_user, other_area)
    assert not allowed
    assert "your organisation leads" in reason


def test_a_user_in_two_organisations_sees_each_area_once(lead_user, area, other_area):
    MembershipFactory(user=lead_user, organisation=other_area.lead_organisation)

    visible = list(scopes.areas_visible_to(lead_user))

    assert sorted(a.pk for a in visible) == sorted([area.pk, other_area.pk])


def test_inactive_and_anonymous_users_see_nothing(lead_user, area):
    from django.contrib.auth.models import AnonymousUser

    lead_user.is_active = False
    assert not scopes.areas_visible_to(lead_user).exists()
    assert not perms.can_view_area(lead_user, area)[0]
    assert not scopes.areas_visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize(
    "fixture,allowed",
    [
        ("programme_manager", True),
        ("admin_user", True),
        ("funder_officer", False),
        ("relationship_manager", False),
    ],
)
def test_only_managers_and_admins_edit_any_area_partners(request, fixture, allowed, area):
    user = request.getfixturevalue(fixture)

    assert perms.can_edit_area_partners(user, area)[0] is allowed
    assert perms.can_edit_organisation(user, area.lead_organisation)[0] is allowed


def test_lead_user_edits_their_own_partners_and_organisation_only(lead_user, area, other_area):
    assert perms.can_edit_area_partners(lead_user, area) == (True, "")
    assert perms.can_edit_organisation(lead_user, area.lead_organisation) == (True, "")
    assert not perms.can_edit_area_partners(lead_user, other_area)[0]
    allowed, reason = perms.can_edit_organisation(lead_user, other_area.lead_organisation)
    assert not allowed
    assert reason


def test_lead_user_sees_their_partners_organisations_but_not_others(lead_user, area):
    partner = PartnerFactory(area=area)
    stranger = OrganisationFactory()

    assert perms.can_view_organisation(lead_user, partner.organisation)[0]
    assert not perms.can_view_organisation(lead_user, stranger)[0]
    assert set(scopes.organisations_visible_to(lead_user)) == {
        area.lead_organisation,
        partner.organisation,
    }
    # Seeing a partner is not editing it.
    assert not perms.can_edit_organisation(lead_user, partner.organisation)[0]


def test_organisations_editable_by_role(programme_manager, funder_officer, lead_user, area):
    stranger = OrganisationFactory()

    assert set(scopes.organisations_editable_by(programme_manager)) == {
        area.lead_organisation,
        stranger,
    }
    assert not scopes.organisations_editable_by(funder_officer).exists()
    assert list(scopes.organisations_editable_by(lead_user)) == [area.lead_organisation]


def test_superuser_without_admin_role_counts_as_admin():
    user = UserFactory(is_superuser=True)

    assert perms.is_admin(user)
    assert perms.is_programme_staff(user)


def test_the_finance_officer_role(finance_officer, programme_manager):
    assert perms.is_finance_officer(finance_officer)
    assert not perms.is_finance_officer(programme_manager)
    assert finance_officer.is_programme_staff
    assert not perms.is_manager_or_admin(finance_officer)
