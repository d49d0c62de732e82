"""Adding, editing and removing an area's partners: errors next to the right field, and every
change on the area's timeline where the lead organisation sees it."""

import pytest
from django.urls import reverse

from activity.models import ActivityEntry, Visibility
from programmes.models import Organisation, Partner
from programmes.tests.factories import OrganisationFactory, PartnerFactory
from programmes.tests.panels import area_panel

pytestmark = pytest.mark.django_db


def _add_url(area):
    return reverse("programmes:partner_add", args=[area.reference])


def _field_error(content, field):
    """The error text crispy-forms renders under one field."""
    marker = f'id="error_1_id_{field}"'
    assert marker in content, f"no error shown for {field}"
    return content.split(marker, 1)[1][:300]


BASE = {"partner_type": "nhs", "involvement": "active"}


class TestAdd:
    def test_existing_organisation(self, client_for, lead_user, area):
        org = OrganisationFactory(name="NHS Leeds Place Partnership", charity_number="")
        client = client_for(lead_user)

        response = client.post(_add_url(area), {**BASE, "organisation": org.pk}, follow=True)

        partner = Partner.objects.get(area=area)
        assert partner.organisation == org
        assert partner.partner_type == "nhs"
        content = response.content.decode()
        assert response.request["PATH_INFO"] == area.get_absolute_url()
        assert "NHS Leeds Place Partnership added as a partner." in content
        timeline = area_panel(client, area, "timeline")
        assert "Added partner NHS Leeds Place Partnership" in timeline

    def test_new_organisation(self, client_for, lead_user, area):
        response = client_for(lead_user).post(
            _add_url(area),
            {
                **BASE,
                "new_organisation_name": "  Beeston Food Bank ",
                "new_organisation_type": "vcs",
            },
            follow=True,
        )

        org = Organisation.objects.get(name="Beeston Food Bank")
        assert org.org_type == "vcs"
        assert org.org_identifier.startswith("360G-")
        assert Partner.objects.get(area=area).organisation == org
        assert "Beeston Food Bank added as a partner." in response.content.decode()
        # The new organisation went through the organisation service, so it is audited.
        created = ActivityEntry.objects.get(verb="organisation.created")
        assert (created.target_id, created.actor) == (str(org.pk), lead_user)

    def test_both_existing_and_new_is_an_error_next_to_the_new_name(
        self, client_for, lead_user, area
    ):
        org = OrganisationFactory()

        response = client_for(lead_user).post(
            _add_url(area),
            {
                **BASE,
                "organisation": org.pk,
                "new_organisation_name": "Another one",
                "new_organisation_type": "vcs",
            },
        )

        assert response.status_code == 200
        assert "not both" in _field_error(response.content.decode(), "new_organisation_name")
        assert not Partner.objects.exists()
        assert not Organisation.objects.filter(name="Another one").exists()

    def test_neither_is_an_error_next_to_the_organisation(self, client_for, lead_user, area):
        response = client_for(lead_user).post(_add_url(area), BASE)

        assert "Choose an organisation" in _field_error(response.content.decode(), "organisation")
        assert not Partner.objects.exists()

    def test_new_organisation_needs_a_type(self, client_for, lead_user, area):
        response = client_for(lead_user).post(
            _add_url(area), {**BASE, "new_organisation_name": "Nameless type"}
        )

        error = _field_error(response.content.decode(), "new_organisation_type")
        assert "type of organisation" in error
        assert not Organisation.objects.filter(name="Nameless type").exists()

    def test_duplicate_partner_is_an_error(self, client_for, lead_user, area):
        existing = PartnerFactory(area=area)

        response = client_for(lead_user).post(
            _add_url(area), {**BASE, "organisation": existing.organisation.pk}
        )

        error = _field_error(response.content.decode(), "organisation")
        assert "already a partner" in error
        assert Partner.objects.filter(area=area).count() == 1

    def test_lead_organisation_is_not_offered_and_cannot_be_its_own_partner(
        self, client_for, lead_user, area
    ):
        client = client_for(lead_user)
        page = client.get(_add_url(area)).content.decode()
        assert f'<option value="{area.lead_organisation.pk}"' not in page

        response = client.post(_add_url(area), {**BASE, "organisation": area.lead_organisation.pk})

        assert "valid choice" in _field_error(response.content.decode(), "organisation")
        assert not Partner.objects.exists()

    def test_agreement_date_in_the_future_is_refused(self, client_for, lead_user, area):
        org = OrganisationFactory()

        response = client_for(lead_user).post(
            _add_url(area), {**BASE, "organisation": org.pk, "agreement_signed_on": "2999-01-01"}
        )

        error = _field_error(response.content.decode(), "agreement_signed_on")
        assert "cannot be in the future" in error
        assert not Partner.objects.exists()

    def test_a_failed_partner_save_leaves_no_new_organisation_behind(
        self, client_for, lead_user, area
    ):
        response = client_for(lead_user).post(
            _add_url(area),
            {
                **BASE,
                "new_organisation_name": "Orphan Trust",
                "new_organisation_type": "vcs",
                "agreement_signed_on": "2999-01-01",
            },
        )

        assert response.status_code == 200
        assert not Organisation.objects.filter(name="Orphan Trust").exists()


class TestEditAndRemove:
    def test_edit_changes_involvement_and_is_on_the_timeline(self, client_for, lead_user, area):
        partner = PartnerFactory(area=area, involvement="informed")
        client = client_for(lead_user)
        url = reverse("programmes:partner_edit", args=[area.reference, partner.pk])

        page = client.get(url).content.decode()
        assert f"Edit {partner.organisation.name}" in page

        response = client.post(
            url,
            {
                "partner_type": partner.partner_type,
                "involvement": "leading",
                "contact_name": "Jo Bloggs",
            },
            follow=True,
        )

        partner.refresh_from_db()
        assert partner.involvement == "leading"
        assert partner.contact_name == "Jo Bloggs"
        content = response.content.decode()
        assert f"{partner.organisation.name} updated." in content
        timeline = area_panel(client, area, "timeline")
        assert f"Updated partner {partner.organisation.name}" in timeline

    def test_edit_cannot_swap_the_organisation(self, client_for, lead_user, area):
        partner = PartnerFactory(area=area)
        original = partner.organisation
        other = OrganisationFactory()

        client_for(lead_user).post(
            reverse("programmes:partner_edit", args=[area.reference, partner.pk]),
            {"organisation": other.pk, "partner_type": "school", "involvement": "active"},
        )

        partner.refresh_from_db()
        assert partner.organisation == original
        assert partner.partner_type == "school"

    def test_remove_deletes_and_is_on_the_timeline(self, client_for, lead_user, area):
        partner = PartnerFactory(area=area)
        name = partner.organisation.name

        client = client_for(lead_user)
        response = client.post(
            reverse("programmes:partner_remove", args=[area.reference, partner.pk]), follow=True
        )

        assert not Partner.objects.filter(pk=partner.pk).exists()
        # The organisation stays known to the programme.
        assert Organisation.objects.filter(name=name).exists()
        content = response.content.decode()
        assert f"{name} is no longer listed as a partner." in content
        assert f"Removed partner {name}" in area_panel(client, area, "timeline")


def test_every_partner_change_is_recorded_for_the_lead_organisation(
    client_for, programme_manager, lead_user, area
):
    """Changes made by a programme manager show on the timeline the lead organisation sees."""
    org = OrganisationFactory(name="Leeds Homes", charity_number="")
    pm = client_for(programme_manager)
    pm.post(_add_url(area), {**BASE, "organisation": org.pk})
    partner = Partner.objects.get(area=area)
    pm.post(
        reverse("programmes:partner_edit", args=[area.reference, partner.pk]),
        {"partner_type": "housing", "involvement": "supporting"},
    )
    pm.post(reverse("programmes:partner_remove", args=[area.reference, partner.pk]))

    entries = ActivityEntry.objects.filter(area=area).order_by("id")
    assert [e.verb for e in entries] == ["partner.added", "partner.updated", "partner.removed"]
    assert {e.visibility for e in entries} == {Visibility.AREA}
    assert {e.actor for e in entries} == {programme_manager}

    pm.logout()
    timeline = area_panel(client_for(lead_user), area, "timeline")
    for summary in ("Added partner Leeds Homes", "Updated partner Leeds Homes"):
        assert summary in timeline
    assert "Removed partner Leeds Homes" in timeline


def test_staff_only_entries_stay_hidden_from_the_lead_organisation(
    client_for, lead_user, programme_manager, area
):
    from activity.services import activity_record

    activity_record(verb="risk.flagged", summary="Risk: steering group stalled", area=area)

    lead_view = area_panel(client_for(lead_user), area, "timeline")
    assert "steering group stalled" not in lead_view
    staff_view = area_panel(client_for(programme_manager), area, "timeline")
    assert "steering group stalled" in staff_view


def _option_names(html: str) -> set[str]:
    import re

    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html))


def test_the_picker_offers_local_organisations_and_finds_others_by_search(
    client_for, lead_user, area
):
    from programmes.tests.factories import AreaFactory

    neighbour = AreaFactory(local_authority=area.local_authority)
    local_partner = PartnerFactory(area=neighbour, organisation__name="Local Health Trust")
    far = OrganisationFactory(name="Faraway Housing Trust")
    # A partner in another local authority.
    PartnerFactory(organisation=far, area=AreaFactory(local_authority="Isles of Scilly"))
    OrganisationFactory.create_batch(30)  # known to the programme, working nowhere near
    client = client_for(lead_user)

    page = client.get(reverse("programmes:partner_add", args=[area.reference])).content.decode()
    shown = _option_names(page)
    assert shown == {neighbour.lead_organisation.name, local_partner.organisation.name}
    assert area.lead_organisation.name not in shown

    url = reverse("programmes:partner_options", args=[area.reference])
    found = client.get(url, {"q": "faraway"}).content.decode()
    assert _option_names(found) == {"Faraway Housing Trust"}
    assert "1 match for “faraway”: choose one" in found
    assert "No organisation matches “zzz”" in client.get(url, {"q": "zzz"}).content.decode()
    assert (
        area.lead_organisation.name
        not in client.get(url, {"q": area.lead_organisation.name[:6]}).content.decode()
    )

    # An organisation found by search (not in the first list) is accepted, and a form shown again
    # keeps it.
    response = client.post(
        reverse("programmes:partner_add", args=[area.reference]),
        {"organisation": far.pk, "partner_type": "", "involvement": "supporting"},
    )
    assert "Faraway Housing Trust" in _option_names(response.content.decode())
    response = client.post(
        reverse("programmes:partner_add", args=[area.reference]),
        {"organisation": far.pk, "partner_type": "housing", "involvement": "supporting"},
    )
    assert response.status_code == 302
    assert Partner.objects.filter(area=area, organisation=far).exists()


def test_the_picker_stays_short_however_many_organisations_exist(
    client_for, programme_manager, area
):
    from programmes.selectors import PARTNER_SUGGESTIONS
    from programmes.tests.factories import AreaFactory

    AreaFactory.create_batch(PARTNER_SUGGESTIONS + 5, local_authority=area.local_authority)
    page = (
        client_for(programme_manager)
        .get(reverse("programmes:partner_add", args=[area.reference]))
        .content.decode()
    )
    assert len(_option_names(page)) == PARTNER_SUGGESTIONS
    found = client_for(programme_manager).get(
        reverse("programmes:partner_options", args=[area.reference]), {"q": "Community Trust"}
    )
    assert "The first 30 matches for “Community Trust” (type more" in found.content.decode()


def test_only_those_who_edit_partners_can_search(
    client_for, other_area, area, lead_user, funder_officer
):
    url = reverse("programmes:partner_options", args=[other_area.reference])
    assert client_for(lead_user).get(url, {"q": "Trust"}).status_code == 404
    own = reverse("programmes:partner_options", args=[area.reference])
    assert client_for(funder_officer).get(own, {"q": "Trust"}).status_code == 403
