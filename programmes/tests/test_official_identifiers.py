"""Organisations carry an official identifier (register + code, as org-id.guide writes them),
set by staff on the organisation form; the programme's own 360G- identifier is only a fallback."""

import re

import pytest
from django.urls import reverse

from programmes.forms import IdentifierWidget, OrganisationForm
from programmes.models import ORG_ID_SCHEMES, ORG_ID_VALIDATOR, Organisation, OrganisationType
from programmes.tests.factories import OrganisationFactory

from .test_organisations import _details

pytestmark = pytest.mark.django_db


def _edit(client, org, scheme, code, **changes):
    data = _details(org, **changes)
    data.update({"org_identifier_0": scheme, "org_identifier_1": code})
    return client.post(reverse("programmes:organisation_edit", args=[org.pk]), data)


def test_every_offered_register_is_accepted_by_the_model():
    for code, _ in ORG_ID_SCHEMES:
        ORG_ID_VALIDATOR(f"{code}-ABC123")


def test_staff_give_a_local_authority_its_register_code(client_for, programme_manager):
    council = OrganisationFactory(
        name="Manchester City Council",
        org_type=OrganisationType.LOCAL_AUTHORITY,
        charity_number="",
        company_number="",
    )
    assert council.org_identifier == f"360G-ourplace-org-{council.pk}"

    response = _edit(client_for(programme_manager), council, "GB-LAE", "MAN")

    assert response.status_code == 302
    council.refresh_from_db()
    assert council.org_identifier == "GB-LAE-MAN"


def test_parish_and_nhs_codes(client_for, programme_manager):
    parish = OrganisationFactory(org_type=OrganisationType.PARISH_COUNCIL)
    nhs = OrganisationFactory(org_type=OrganisationType.OTHER_PUBLIC)
    client = client_for(programme_manager)
    _edit(client, parish, "GB-PLA", "E04000001")
    _edit(client, nhs, "GB-NHS", " RR8 ")
    parish.refresh_from_db()
    nhs.refresh_from_db()
    assert (parish.org_identifier, nhs.org_identifier) == ("GB-PLA-E04000001", "GB-NHS-RR8")


def test_a_code_without_its_register_is_refused(client_for, programme_manager):
    org = OrganisationFactory(org_type=OrganisationType.LOCAL_AUTHORITY)
    before = org.org_identifier
    response = _edit(client_for(programme_manager), org, "", "MAN")
    assert response.status_code == 200
    assert "Choose the register the code comes from." in response.content.decode()
    org.refresh_from_db()
    assert org.org_identifier == before


def test_the_form_shows_the_register_and_code_and_hides_the_internal_fallback():
    assert IdentifierWidget().decompress("GB-LANI-ABC") == ["GB-LANI", "ABC"]
    assert IdentifierWidget().decompress("360G-ourplace-org-7") == ["", ""]
    form = OrganisationForm(instance=OrganisationFactory(org_identifier="GB-LAE-LDS"))
    html = str(form["org_identifier"])
    assert re.search(r'<option value="GB-LAE" selected>', html)
    assert 'value="LDS"' in html


def test_lead_members_cannot_change_the_identifier(client_for, lead_user, area):
    org = area.lead_organisation
    before = org.org_identifier
    _edit(client_for(lead_user), org, "GB-LAE", "MAN", town="Bradford")
    org.refresh_from_db()
    assert org.town == "Bradford"
    assert org.org_identifier == before


def test_the_internal_fallback_gives_way_to_a_charity_number_added_later():
    org = OrganisationFactory(charity_number="", company_number="")
    assert org.org_identifier.startswith("360G-")
    org.charity_number = "1234567"
    org.full_clean()
    org.save()
    assert Organisation.objects.get(pk=org.pk).org_identifier == "GB-CHC-1234567"
