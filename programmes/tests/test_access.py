"""Who may open each programme page, in layers: anonymous visitors are sent to sign in; a lead
organisation user gets 404 for anything outside their organisation and 403 for staff pages;
funder officers and relationship managers see everything but change nothing; programme managers
and admins see and change everything."""

import pytest
from django.urls import reverse

from programmes.models import Partner
from programmes.tests.factories import OrganisationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

STAFF = ["programme_manager", "funder_officer", "relationship_manager", "admin_user"]
VIEW_ONLY_STAFF = ["funder_officer", "relationship_manager"]
MANAGERS = ["programme_manager", "admin_user"]


@pytest.fixture
def partner(area):
    return PartnerFactory(area=area)


@pytest.fixture
def other_partner(other_area):
    return PartnerFactory(area=other_area)


def _urls(area, partner):
    """Every page in programmes/urls.py, for one area and one of its partners."""
    return {
        "area_list": reverse("programmes:area_list"),
        "my_areas": reverse("programmes:my_areas"),
        "area_detail": reverse("programmes:area_detail", args=[area.reference]),
        "partner_add": reverse("programmes:partner_add", args=[area.reference]),
        "partner_edit": reverse("programmes:partner_edit", args=[area.reference, partner.pk]),
        "partner_remove": reverse("programmes:partner_remove", args=[area.reference, partner.pk]),
        "organisation_list": reverse("programmes:organisation_list"),
        "organisation_create": reverse("programmes:organisation_create"),
        "organisation_detail": reverse(
            "programmes:organisation_detail", args=[area.lead_organisation.pk]
        ),
        "organisation_edit": reverse(
            "programmes:organisation_edit", args=[area.lead_organisation.pk]
        ),
    }


ALL_PAGES = [
    "area_list",
    "my_areas",
    "area_detail",
    "partner_add",
    "partner_edit",
    "partner_remove",
    "organisation_list",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, area, partner, page):
    url = _urls(area, partner)[page]

    response = client.post(url) if page == "partner_remove" else client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
    assert Partner.objects.filter(pk=partner.pk).exists()


class TestLeadOrganisationUser:
    @pytest.mark.parametrize("page", ["area_list", "organisation_list", "organisation_create"])
    def test_staff_pages_are_forbidden(self, client_for, lead_user, area, partner, page):
        response = client_for(lead_user).get(_urls(area, partner)[page])

        assert response.status_code == 403
        assert "You cannot do that" in response.content.decode()

    @pytest.mark.parametrize(
        "page",
        [
            "area_detail",
            "partner_add",
            "partner_edit",
            "organisation_detail",
            "organisation_edit",
        ],
    )
    def test_another_organisations_pages_are_not_found(
        self, client_for, lead_user, other_area, other_partner, page
    ):
        response = client_for(lead_user).get(_urls(other_area, other_partner)[page])

        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert other_area.name not in response.content.decode()

    def test_cannot_remove_another_areas_partner(
        self, client_for, lead_user, other_area, other_partner
    ):
        response = client_for(lead_user).post(_urls(other_area, other_partner)["partner_remove"])

        assert response.status_code == 404
        assert Partner.objects.filter(pk=other_partner.pk).exists()

    def test_a_partner_of_another_area_is_not_reachable_through_own_area(
        self, client_for, lead_user, area, other_partner
    ):
        url = reverse("programmes:partner_edit", args=[area.reference, other_partner.pk])

        assert client_for(lead_user).get(url).status_code == 404

    @pytest.mark.parametrize(
        "page",
        ["area_detail", "partner_add", "partner_edit", "organisation_detail", "organisation_edit"],
    )
    def test_own_pages_open(self, client_for, lead_user, area, partner, page):
        response = client_for(lead_user).get(_urls(area, partner)[page])

        assert response.status_code == 200

    def test_own_area_shows_its_details(self, client_for, lead_user, area, partner):
        response = client_for(lead_user).get(_urls(area, partner)["area_detail"])

        content = response.content.decode()
        assert area.name in content
        assert partner.organisation.name in content
        assert "Add a partner" in content

    def test_can_see_a_partners_organisation_but_not_edit_it(self, client_for, lead_user, partner):
        client = client_for(lead_user)
        org = partner.organisation

        detail = client.get(reverse("programmes:organisation_detail", args=[org.pk]))
        edit = client.get(reverse("programmes:organisation_edit", args=[org.pk]))

        assert detail.status_code == 200
        assert "Edit details" not in detail.content.decode()
        assert edit.status_code == 403

    def test_an_unrelated_organisation_is_not_found(self, client_for, lead_user):
        org = OrganisationFactory()
        client = client_for(lead_user)

        for name in ("programmes:organisation_detail", "programmes:organisation_edit"):
            assert client.get(reverse(name, args=[org.pk])).status_code == 404

    def test_my_areas_lists_only_their_areas(self, client_for, lead_user, area, other_area):
        from programmes.tests.factories import AreaFactory

        second = AreaFactory(lead_organisation=area.lead_organisation)

        response = client_for(lead_user).get(reverse("programmes:my_areas"))

        content = response.content.decode()
        assert response.status_code == 200
        assert area.name in content and second.name in content
        assert other_area.name not in content

    def test_my_areas_with_one_area_opens_it(self, client_for, lead_user, area):
        response = client_for(lead_user).get(reverse("programmes:my_areas"))

        assert response.status_code == 302
        assert response.url == area.get_absolute_url()

    def test_user_of_no_organisation_sees_an_empty_my_areas(self, client_for, db):
        from accounts.tests.factories import UserFactory

        response = client_for(UserFactory()).get(reverse("programmes:my_areas"))

        assert response.status_code == 200
        assert "does not lead any areas" in response.content.decode()


class TestViewOnlyStaff:
    @pytest.mark.parametrize("fixture", VIEW_ONLY_STAFF)
    @pytest.mark.parametrize(
        "page", ["area_list", "area_detail", "organisation_list", "organisation_detail"]
    )
    def test_can_view(self, request, client_for, area, partner, fixture, page):
        client = client_for(request.getfixturevalue(fixture))

        response = client.get(_urls(area, partner)[page])

        assert response.status_code == 200

    @pytest.mark.parametrize("fixture", VIEW_ONLY_STAFF)
    @pytest.mark.parametrize(
        "page", ["partner_add", "partner_edit", "organisation_create", "organisation_edit"]
    )
    def test_cannot_edit(self, request, client_for, area, partner, fixture, page):
        client = client_for(request.getfixturevalue(fixture))

        response = client.get(_urls(area, partner)[page])

        assert response.status_code == 403

    @pytest.mark.parametrize("fixture", VIEW_ONLY_STAFF)
    def test_cannot_remove_a_partner(self, request, client_for, area, partner, fixture):
        client = client_for(request.getfixturevalue(fixture))

        response = client.post(_urls(area, partner)["partner_remove"])

        assert response.status_code == 403
        assert Partner.objects.filter(pk=partner.pk).exists()

    @pytest.mark.parametrize("fixture", VIEW_ONLY_STAFF)
    def test_area_page_offers_no_edit_buttons(self, request, client_for, area, partner, fixture):
        client = client_for(request.getfixturevalue(fixture))

        content = client.get(_urls(area, partner)["area_detail"]).content.decode()

        assert partner.organisation.name in content
        assert "Add a partner" not in content
        assert "Remove" not in content

    @pytest.mark.parametrize("fixture", VIEW_ONLY_STAFF)
    def test_cannot_change_an_organisation_by_post(self, request, client_for, area, fixture):
        org = area.lead_organisation
        client = client_for(request.getfixturevalue(fixture))

        response = client.post(
            reverse("programmes:organisation_edit", args=[org.pk]),
            {"name": "Renamed", "org_type": org.org_type},
        )

        assert response.status_code == 403
        org.refresh_from_db()
        assert org.name != "Renamed"


class TestManagers:
    @pytest.mark.parametrize("fixture", MANAGERS)
    @pytest.mark.parametrize("page", [p for p in ALL_PAGES if p not in ("partner_remove",)])
    def test_every_page_opens(self, request, client_for, area, partner, other_area, fixture, page):
        client = client_for(request.getfixturevalue(fixture))

        response = client.get(_urls(other_area if page == "area_detail" else area, partner)[page])

        # Staff have no "my areas" page of their own; it sends them to the areas list.
        if page == "my_areas":
            assert response.status_code == 302
            assert response.url == reverse("programmes:area_list")
        else:
            assert response.status_code == 200

    @pytest.mark.parametrize("fixture", MANAGERS)
    def test_areas_list_shows_every_area(self, request, client_for, area, other_area, fixture):
        client = client_for(request.getfixturevalue(fixture))

        # "Show all areas": the list opens on the current round's open work, every round on asking.
        url = reverse("programmes:area_list") + "?round=&status="
        content = client.get(url).content.decode()

        assert area.reference in content
        assert other_area.reference in content

    def test_unknown_area_is_not_found(self, client_for, programme_manager):
        response = client_for(programme_manager).get(
            reverse("programmes:area_detail", args=["NO-SUCH"])
        )

        assert response.status_code == 404


def test_partner_remove_refuses_get(client_for, programme_manager, area, partner):
    response = client_for(programme_manager).get(_urls(area, partner)["partner_remove"])

    assert response.status_code == 405
    assert Partner.objects.filter(pk=partner.pk).exists()
