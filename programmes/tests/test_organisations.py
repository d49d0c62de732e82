"""The organisations list and editing an organisation's details."""

import re

import pytest
from django.urls import reverse

from activity.models import ActivityEntry
from programmes.models import Organisation, OrganisationType
from programmes.tests.factories import AreaFactory, OrganisationFactory, PartnerFactory
from programmes.tests.panels import area_panel

pytestmark = pytest.mark.django_db

URL = reverse("programmes:organisation_list")


def _names(response):
    body = response.content.decode().split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return re.findall(r'<td><a href="/organisations/\d+/">([^<]+)</a></td>', body)


def _identifier(value):
    """The identifier field's two inputs (register, code) for a stored identifier."""
    from programmes.forms import IdentifierWidget

    scheme, code = IdentifierWidget().decompress(value)
    return {"org_identifier_0": scheme, "org_identifier_1": code}


def _details(org, **changes):
    """The organisation form's POST data for `org`, with changes."""
    data = {
        "name": org.name,
        "org_type": org.org_type,
        "charity_number": org.charity_number,
        "company_number": org.company_number,
        **_identifier(org.org_identifier),
        "address_line1": org.address_line1,
        "address_line2": org.address_line2,
        "town": org.town,
        "postcode": org.postcode,
        "website": org.website,
        "email": org.email,
        "phone": org.phone,
        "description": org.description,
    }
    data.update(changes)
    return data


class TestList:
    @pytest.fixture
    def orgs(self):
        lead = AreaFactory(
            lead_organisation=OrganisationFactory(name="Byker Community Trust", town="Newcastle")
        ).lead_organisation
        partner = PartnerFactory(
            organisation=OrganisationFactory(
                name="Salford City Council",
                org_type=OrganisationType.LOCAL_AUTHORITY,
                charity_number="",
                town="Salford",
            )
        ).organisation
        loose = OrganisationFactory(
            name="Wooler Parish Council",
            org_type=OrganisationType.PARISH_COUNCIL,
            charity_number="",
            town="Wooler",
        )
        return lead, partner, loose

    def test_lists_everything_by_name_with_counts(self, client_for, programme_manager, orgs):
        response = client_for(programme_manager).get(URL)

        names = _names(response)
        assert names == sorted(names)
        assert {"Byker Community Trust", "Salford City Council", "Wooler Parish Council"} <= set(
            names
        )
        assert "Add an organisation" in response.content.decode()

    def test_type_filter(self, client_for, programme_manager, orgs):
        response = client_for(programme_manager).get(URL, {"org_type": "parish_council"})

        assert _names(response) == ["Wooler Parish Council"]

    def test_role_filter_leads(self, client_for, programme_manager, orgs):
        response = client_for(programme_manager).get(URL, {"role": "lead"})

        assert "Byker Community Trust" in _names(response)
        assert "Salford City Council" not in _names(response)
        assert "Wooler Parish Council" not in _names(response)

    def test_role_filter_partner_only(self, client_for, programme_manager, orgs):
        response = client_for(programme_manager).get(URL, {"role": "partner"})

        assert _names(response) == ["Salford City Council"]

    @pytest.mark.parametrize("query", ["wooler", "WOOLER"])
    def test_search_by_name_or_town(self, client_for, programme_manager, orgs, query):
        names = _names(client_for(programme_manager).get(URL, {"q": query}))

        assert names == ["Wooler Parish Council"]

    def test_search_by_identifier(self, client_for, programme_manager, orgs):
        lead = orgs[0]

        names = _names(client_for(programme_manager).get(URL, {"q": lead.org_identifier}))

        assert names == [lead.name]

    def test_search_by_exact_charity_number(self, client_for, programme_manager, orgs):
        lead = orgs[0]

        names = _names(client_for(programme_manager).get(URL, {"q": lead.charity_number}))

        assert names == [lead.name]

    def test_sort_by_town_descending(self, client_for, programme_manager, orgs):
        names = _names(client_for(programme_manager).get(URL, {"sort": "-town"}))

        assert names.index("Wooler Parish Council") < names.index("Salford City Council")
        assert names.index("Salford City Council") < names.index("Byker Community Trust")

    def test_view_only_staff_cannot_add(self, client_for, funder_officer, orgs):
        response = client_for(funder_officer).get(URL)

        assert response.status_code == 200
        assert "Add an organisation" not in response.content.decode()

    def test_query_count_is_fixed(
        self, client_for, programme_manager, django_assert_max_num_queries
    ):
        client = client_for(programme_manager)
        for n in (5, 50):
            while Organisation.objects.count() < n:
                PartnerFactory()
            with django_assert_max_num_queries(6):
                response = client.get(URL)
            assert len(_names(response)) == min(Organisation.objects.count(), 25)


class TestEdit:
    def test_bad_values_show_errors_next_to_fields_and_save_nothing(
        self, client_for, lead_user, area
    ):
        org = area.lead_organisation
        before = Organisation.objects.values().get(pk=org.pk)

        response = client_for(lead_user).post(
            reverse("programmes:organisation_edit", args=[org.pk]),
            _details(
                org,
                name="Renamed",
                postcode="LS6",
                email="not-an-email",
                website="nope nope",
            ),
        )

        assert response.status_code == 200
        content = response.content.decode()
        assert "Please correct the errors below" in content
        for field, message in [
            ("postcode", "Enter a UK postcode"),
            ("email", "Enter a valid email address"),
            ("website", "Enter a valid URL"),
        ]:
            # The message sits in the field's own feedback block, straight after its input.
            block = re.search(
                rf'id="id_{field}".*?<(?:div|p|span)[^>]*id="error_1_id_{field}"[^>]*>(.*?)</',
                content,
                re.S,
            )
            assert block, field
            assert message in content.split(f'id="error_1_id_{field}"', 1)[1][:300]
        assert Organisation.objects.values().get(pk=org.pk) == before
        assert not ActivityEntry.objects.filter(verb="organisation.updated").exists()

    def test_good_values_are_saved_and_shown_on_the_timeline(self, client_for, lead_user, area):
        org = area.lead_organisation
        client = client_for(lead_user)

        response = client.post(
            reverse("programmes:organisation_edit", args=[org.pk]),
            _details(org, postcode="ls6 1ab", phone="0113 496 0000"),
            follow=True,
        )

        org.refresh_from_db()
        assert org.postcode == "LS6 1AB"
        assert org.phone == "0113 496 0000"
        assert f"{org.name} saved." in response.content.decode()
        entry = ActivityEntry.objects.get(verb="organisation.updated", area=area)
        assert sorted(entry.data["fields"]) == ["phone", "postcode"]
        timeline = area_panel(client, area, "timeline")
        assert f"{org.name} updated its details" in timeline

    def test_lead_user_cannot_change_their_organisation_type(self, client_for, lead_user, area):
        org = area.lead_organisation
        client = client_for(lead_user)

        page = client.get(reverse("programmes:organisation_edit", args=[org.pk])).content.decode()
        assert re.search(r'<select[^>]*name="org_type"[^>]*disabled', page)

        client.post(
            reverse("programmes:organisation_edit", args=[org.pk]),
            _details(org, org_type=OrganisationType.LOCAL_AUTHORITY, town="Bradford"),
        )

        org.refresh_from_db()
        assert org.org_type == OrganisationType.VCS
        assert org.town == "Bradford"

    def test_programme_manager_can_change_the_type(self, client_for, programme_manager, area):
        org = area.lead_organisation

        client_for(programme_manager).post(
            reverse("programmes:organisation_edit", args=[org.pk]),
            _details(org, org_type=OrganisationType.OTHER_PUBLIC),
        )

        org.refresh_from_db()
        assert org.org_type == OrganisationType.OTHER_PUBLIC

    def test_programme_manager_adds_an_organisation(self, client_for, programme_manager):
        response = client_for(programme_manager).post(
            reverse("programmes:organisation_create"),
            {"name": "Hendon Food Bank", "org_type": "vcs", "company_number": "01234567"},
            follow=True,
        )

        org = Organisation.objects.get(name="Hendon Food Bank")
        assert org.org_identifier == "GB-COH-01234567"
        assert response.request["PATH_INFO"] == org.get_absolute_url()
        assert "GB-COH-01234567" in response.content.decode()

    def test_a_charity_number_already_used_is_an_error_not_a_crash(
        self, client_for, programme_manager
    ):
        OrganisationFactory(charity_number="1234567")

        response = client_for(programme_manager).post(
            reverse("programmes:organisation_create"),
            {"name": "Copycat Trust", "org_type": "vcs", "charity_number": "1234567"},
        )

        assert response.status_code == 200
        assert "already exists" in response.content.decode()
        assert not Organisation.objects.filter(name="Copycat Trust").exists()

    def test_missing_name_and_type_are_errors(self, client_for, programme_manager):
        response = client_for(programme_manager).post(
            reverse("programmes:organisation_create"), {"name": "", "org_type": ""}
        )

        content = response.content.decode()
        assert 'id="error_1_id_name"' in content
        assert 'id="error_1_id_org_type"' in content
        assert Organisation.objects.count() == 0
