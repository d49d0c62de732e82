"""The organisation services: who may add and change organisations, and the activity entry each
change writes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry, Visibility
from programmes import services
from programmes.models import Organisation, OrganisationType, Partner, PartnerType
from programmes.tests.factories import AreaFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(other_area):
    """A lead organisation user of another area's lead organisation."""
    user = UserFactory(username="stranger")
    MembershipFactory(user=user, organisation=other_area.lead_organisation)
    return user


class TestCreate:
    def test_a_programme_manager_adds_one_and_it_is_recorded(self, programme_manager):
        org = services.organisation_create(
            actor=programme_manager,
            name=" Hendon Food Bank ",
            org_type=OrganisationType.VCS,
            charity_number="1234567",
        )

        assert org.name == "Hendon Food Bank"
        assert org.org_identifier == "GB-CHC-1234567"
        entry = ActivityEntry.objects.get(verb="organisation.created")
        assert entry.actor == programme_manager
        assert entry.target_id == str(org.pk)
        assert entry.summary == "Hendon Food Bank added to the programme"
        assert entry.data["fields"] == ["charity_number", "name", "org_type"]

    def test_a_lead_user_cannot_add_one_on_its_own(self, lead_user):
        with pytest.raises(PermissionDenied, match="Only programme managers and admins"):
            services.organisation_create(
                actor=lead_user, name="Loose Trust", org_type=OrganisationType.VCS
            )

        assert not Organisation.objects.filter(name="Loose Trust").exists()
        assert not ActivityEntry.objects.exists()

    def test_a_lead_user_of_another_organisation_cannot_add_a_partner_to_this_area(
        self, stranger, area
    ):
        with pytest.raises(PermissionDenied):
            services.organisation_create(
                actor=stranger, partner_of=area, name="Sneaky Trust", org_type="vcs"
            )

        assert not Organisation.objects.filter(name="Sneaky Trust").exists()

    def test_a_lead_user_adds_a_new_partner_through_the_partner_service(self, lead_user, area):
        partner = services.partner_save(
            partner=Partner(area=area, partner_type=PartnerType.NHS),
            actor=lead_user,
            new_organisation={"name": "Beeston GP Practice", "org_type": "other_public"},
        )

        assert partner.organisation.name == "Beeston GP Practice"
        created = ActivityEntry.objects.get(verb="organisation.created")
        assert (
            created.summary
            == f"Beeston GP Practice added to the programme as a partner of {area.reference}"
        )
        assert created.data["partner_of"] == area.reference
        assert ActivityEntry.objects.filter(verb="partner.added", area=area).count() == 1

    def test_a_refused_partner_leaves_no_new_organisation(self, lead_user, area):
        with pytest.raises(ValidationError):
            services.partner_save(
                partner=Partner(area=area, partner_type=""),
                actor=lead_user,
                new_organisation={"name": "Half Made Trust", "org_type": "vcs"},
            )

        assert not Organisation.objects.filter(name="Half Made Trust").exists()
        assert not ActivityEntry.objects.exists()

    def test_a_bad_field_is_refused_against_that_field(self, programme_manager):
        with pytest.raises(ValidationError) as exc:
            services.organisation_create(
                actor=programme_manager, name="Bad Code", org_type="vcs", postcode="NOPE"
            )

        assert "postcode" in exc.value.message_dict


class TestUpdate:
    def test_changes_are_saved_and_named_on_each_led_area_timeline(self, lead_user, area):
        org = area.lead_organisation
        second = AreaFactory(lead_organisation=org)

        result = services.organisation_update(
            organisation=org, actor=lead_user, town="Bradford", postcode="ls6 1ab"
        )

        assert result is org
        assert (org.town, org.postcode) == ("Bradford", "LS6 1AB")
        entries = ActivityEntry.objects.filter(verb="organisation.updated")
        assert {e.area for e in entries} == {area, second}
        for entry in entries:
            assert entry.summary == f"{org.name} updated its details (town or city, postcode)"
            assert entry.data["fields"] == ["town", "postcode"]
            assert entry.visibility == Visibility.AREA
            assert entry.actor == lead_user

    def test_an_organisation_that_leads_no_area_is_still_audited(self, programme_manager):
        org = OrganisationFactory(phone="")

        services.organisation_update(
            organisation=org, actor=programme_manager, phone="0113 4960000"
        )

        entry = ActivityEntry.objects.get(verb="organisation.updated")
        assert entry.area is None
        assert entry.data["fields"] == ["phone"]

    def test_nothing_changed_writes_nothing(self, lead_user, area):
        org = area.lead_organisation

        services.organisation_update(organisation=org, actor=lead_user, name=org.name)

        assert not ActivityEntry.objects.exists()

    def test_a_lead_user_of_another_organisation_is_refused(self, stranger, area):
        org = area.lead_organisation
        name = org.name

        with pytest.raises(PermissionDenied, match="Only members of this organisation"):
            services.organisation_update(organisation=org, actor=stranger, name="Taken Over")

        assert Organisation.objects.get(pk=org.pk).name == name
        assert not ActivityEntry.objects.exists()

    def test_a_lead_user_cannot_change_their_type(self, lead_user, area):
        org = area.lead_organisation

        with pytest.raises(PermissionDenied, match="change the type"):
            services.organisation_update(
                organisation=org, actor=lead_user, org_type=OrganisationType.LOCAL_AUTHORITY
            )

        assert Organisation.objects.get(pk=org.pk).org_type == OrganisationType.VCS

    def test_a_programme_manager_changes_the_type(self, programme_manager, area):
        org = area.lead_organisation

        services.organisation_update(
            organisation=org, actor=programme_manager, org_type=OrganisationType.OTHER_PUBLIC
        )

        assert Organisation.objects.get(pk=org.pk).org_type == OrganisationType.OTHER_PUBLIC
        assert ActivityEntry.objects.get(area=area).data["fields"] == ["org_type"]

    def test_a_field_that_is_not_an_organisation_field_is_a_programming_error(
        self, programme_manager, area
    ):
        with pytest.raises(TypeError, match="stage"):
            services.organisation_update(
                organisation=area.lead_organisation, actor=programme_manager, stage="x"
            )
