"""Database rules of the programme structure: each one is enforced by the database itself, so a
bulk update or a careless service cannot break it, and by the service or clean() with a message a
person can act on."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings

from accounts.tests.factories import UserFactory
from programmes import services
from programmes.models import Area, AreaTheme, GeoCodeType, Organisation, OrganisationType, Theme
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory, theme

pytestmark = pytest.mark.django_db


def _themes(n):
    return list(Theme.objects.order_by("order")[:n])


class TestThemes:
    @pytest.mark.parametrize("count", [1, 2, 3])
    def test_one_to_three_themes_are_stored_in_order(self, count):
        area = AreaFactory(themes=[])
        chosen = list(reversed(_themes(count)))

        services.area_themes_set(area=area, themes=chosen)

        rows = list(area.area_themes.order_by("position"))
        assert [r.theme for r in rows] == chosen
        assert [r.position for r in rows] == list(range(1, count + 1))

    @pytest.mark.parametrize("count", [0, 4])
    def test_service_refuses_no_themes_or_more_than_three(self, count):
        area = AreaFactory(themes=[theme()])

        with pytest.raises(ValidationError) as exc:
            services.area_themes_set(area=area, themes=_themes(count))

        assert "between one and three" in str(exc.value)
        # The area keeps the theme it had.
        assert [t.slug for t in area.themes.all()] == ["health-and-wellbeing"]

    def test_repeated_theme_counts_once(self):
        area = AreaFactory(themes=[])
        health = theme()

        services.area_themes_set(area=area, themes=[health, health])

        assert list(area.themes.all()) == [health]

    def test_database_refuses_a_fourth_theme_position(self):
        area = AreaFactory(themes=_themes(3))
        fourth = Theme.objects.order_by("order")[3]

        with pytest.raises(IntegrityError), transaction.atomic():
            AreaTheme.objects.create(area=area, theme=fourth, position=4)

    def test_database_refuses_position_zero(self):
        area = AreaFactory(themes=[])

        with pytest.raises(IntegrityError), transaction.atomic():
            AreaTheme.objects.create(area=area, theme=theme(), position=0)

    def test_database_refuses_two_themes_in_one_position(self):
        area = AreaFactory(themes=_themes(1))

        with pytest.raises(IntegrityError), transaction.atomic():
            AreaTheme.objects.create(area=area, theme=_themes(2)[1], position=1)

    def test_database_refuses_the_same_theme_twice(self):
        area = AreaFactory(themes=_themes(1))

        with pytest.raises(IntegrityError), transaction.atomic():
            AreaTheme.objects.create(area=area, theme=_themes(1)[0], position=2)


class TestArea:
    def test_reference_is_unique(self):
        AreaFactory(reference="R2-001")

        with pytest.raises(IntegrityError), transaction.atomic():
            AreaFactory(reference="R2-001")

    def test_area_create_reports_duplicate_reference_against_the_field(self):
        existing = AreaFactory(reference="R2-001")

        with pytest.raises(ValidationError) as exc:
            services.area_create(
                reference="R2-001",
                name="Somewhere else",
                local_authority="Leeds",
                lead_organisation=OrganisationFactory(),
                round=existing.round,
                approach="general",
                themes=[theme()],
            )

        assert "reference" in exc.value.message_dict
        assert Area.objects.count() == 1

    def test_database_refuses_geo_code_without_type(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            AreaFactory(geo_code="E05001234", geo_code_type="")

    def test_geo_code_with_type_is_accepted(self):
        area = AreaFactory(geo_code="E05001234", geo_code_type=GeoCodeType.WD)

        assert Area.objects.get(pk=area.pk).geo_code_type == "WD"

    def test_clean_explains_a_geo_code_without_type(self):
        area = AreaFactory.build(
            geo_code="E05001234",
            geo_code_type="",
            lead_organisation=OrganisationFactory(),
            round=RoundFactory(),
        )

        with pytest.raises(ValidationError) as exc:
            area.full_clean()

        assert "geo_code_type" in exc.value.message_dict

    def test_area_create_starts_at_getting_ready_with_its_themes(self):
        rnd = RoundFactory()

        area = services.area_create(
            reference="R2-099",
            name="Harehills",
            local_authority="Leeds",
            lead_organisation=OrganisationFactory(),
            round=rnd,
            approach="specific",
            themes=_themes(2),
        )

        assert area.stage == "getting_ready"
        assert area.status == "active"
        assert area.themes.count() == 2


class TestOrganisationType:
    def test_database_refuses_an_unknown_type(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organisation.objects.create(name="Mystery body", org_type="quango")

    def test_clean_refuses_an_unknown_type(self):
        org = Organisation(name="Mystery body", org_type="quango")

        with pytest.raises(ValidationError) as exc:
            org.full_clean()

        assert "org_type" in exc.value.message_dict

    @pytest.mark.parametrize("org_type", [c.value for c in OrganisationType])
    def test_every_listed_type_is_accepted(self, org_type):
        org = Organisation.objects.create(name=f"A {org_type}", org_type=org_type)

        assert Organisation.objects.get(pk=org.pk).org_type == org_type


class TestOrganisationIdentifier:
    def test_charity_number_gives_a_charity_commission_identifier(self):
        org = OrganisationFactory(charity_number="1234567")

        assert org.org_identifier == "GB-CHC-1234567"

    def test_scottish_charity_number_gives_an_oscr_identifier(self):
        org = OrganisationFactory(charity_number="sc012345")

        assert org.org_identifier == "GB-SC-SC012345"

    def test_company_number_gives_a_companies_house_identifier(self):
        org = OrganisationFactory(charity_number="", company_number="01234567")

        assert org.org_identifier == "GB-COH-01234567"

    def test_charity_number_wins_over_company_number(self):
        org = OrganisationFactory(charity_number="1234567", company_number="01234567")

        assert org.org_identifier == "GB-CHC-1234567"

    @override_settings(THREESIXTYGIVING_PREFIX="ourplace")
    def test_without_numbers_a_programme_identifier_is_made_from_the_id(self):
        org = OrganisationFactory(charity_number="", company_number="")

        org.refresh_from_db()
        assert org.org_identifier == f"360G-ourplace-org-{org.pk}"

    def test_a_given_identifier_is_kept(self):
        org = OrganisationFactory(charity_number="1234567", org_identifier="GB-LAE-LDS")

        assert Organisation.objects.get(pk=org.pk).org_identifier == "GB-LAE-LDS"

    @pytest.mark.parametrize(
        "identifier",
        ["GB-CHC-1234567", "GB-COH-01234567", "GB-LAE-MAN", "360G-ourplace-org-12"],
    )
    def test_valid_identifiers_pass_validation(self, identifier):
        org = Organisation(name="Valid", org_type=OrganisationType.VCS, org_identifier=identifier)

        org.full_clean()

    @pytest.mark.parametrize("identifier", ["1234567", "GB-XYZ-123", "CHC-1234567", "GB-CHC-"])
    def test_invalid_identifiers_are_refused(self, identifier):
        org = Organisation(name="Bad", org_type=OrganisationType.VCS, org_identifier=identifier)

        with pytest.raises(ValidationError) as exc:
            org.full_clean()

        assert "org_identifier" in exc.value.message_dict

    @pytest.mark.parametrize(
        "field,value",
        [("charity_number", "12AB"), ("company_number", "123"), ("postcode", "NOT A CODE")],
    )
    def test_malformed_numbers_and_postcodes_are_refused(self, field, value):
        org = Organisation(name="Bad", org_type=OrganisationType.VCS, **{field: value})

        with pytest.raises(ValidationError) as exc:
            org.full_clean()

        assert field in exc.value.message_dict

    def test_postcode_is_stored_in_capitals(self):
        org = services.organisation_create(
            actor=UserFactory(programme_manager=True),
            name="Leeds Trust",
            org_type=OrganisationType.VCS,
            postcode="ls6 1ab",
        )

        assert Organisation.objects.get(pk=org.pk).postcode == "LS6 1AB"

    def test_identifier_is_unique(self):
        OrganisationFactory(org_identifier="GB-LAE-LDS")

        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationFactory(org_identifier="GB-LAE-LDS")

    def test_two_organisations_without_numbers_get_different_identifiers(self):
        a = OrganisationFactory(charity_number="")
        b = OrganisationFactory(charity_number="")

        a.refresh_from_db()
        b.refresh_from_db()
        assert a.org_identifier != b.org_identifier

    @pytest.mark.parametrize(
        "field,value", [("charity_number", "1234567"), ("company_number", "01234567")]
    )
    def test_a_number_already_used_is_refused_against_that_field(self, field, value):
        numbers = {"charity_number": "", "company_number": "", field: value}
        OrganisationFactory(name="First Trust", **numbers)
        org = Organisation(name="Second", org_type=OrganisationType.VCS, **numbers)

        with pytest.raises(ValidationError) as exc:
            org.full_clean()

        assert "First Trust already exists" in exc.value.message_dict[field][0]
