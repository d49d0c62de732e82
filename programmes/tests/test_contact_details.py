"""Issue 11: an organisation's contact details are shown only to staff and its own users; adding
it as a partner shows its name and type, never how to contact it."""

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from programmes.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EMAIL = "chair@brightside.example"
ADDRESS = "12 Mill Lane"
PHONE = "0113 496 0000"


@pytest.fixture
def other_org(db):
    return OrganisationFactory(
        name="Brightside Tenants Group",
        email=EMAIL,
        phone=PHONE,
        address_line1=ADDRESS,
        postcode="LS1 4AP",
        charity_number="",
    )


def _contact_shown(content):
    return [text for text in (EMAIL, ADDRESS, PHONE, "LS1 4AP") if text in content]


def test_adding_a_partner_does_not_reveal_its_contact_details(
    client_for, lead_user, area, other_org
):
    client = client_for(lead_user)
    page = other_org.get_absolute_url()
    assert client.get(page).status_code == 404

    response = client.post(
        reverse("programmes:partner_add", args=[area.reference]),
        {"organisation": other_org.pk, "partner_type": "vcs", "involvement": "active"},
    )
    assert response.status_code == 302
    assert area.partners.filter(organisation=other_org).exists()

    content = client.get(page).content.decode()
    assert "Brightside Tenants Group" in content
    assert other_org.get_org_type_display() in content
    assert _contact_shown(content) == []
    assert "Contact details are shown only to the organisation&#x27;s own users" in content
    area_page = client.get(area.get_absolute_url()).content.decode()
    assert _contact_shown(area_page) == []


@pytest.mark.parametrize("who", ["programme_manager", "relationship_manager", "admin_user"])
def test_staff_see_contact_details(request, client_for, other_org, who):
    content = client_for(request.getfixturevalue(who)).get(other_org.get_absolute_url())
    assert _contact_shown(content.content.decode()) == [EMAIL, ADDRESS, PHONE, "LS1 4AP"]


def test_the_organisations_own_users_see_its_contact_details(client_for, other_org):
    member = UserFactory(username="brightside")
    MembershipFactory(user=member, organisation=other_org)
    content = client_for(member).get(other_org.get_absolute_url()).content.decode()
    assert _contact_shown(content) == [EMAIL, ADDRESS, PHONE, "LS1 4AP"]
