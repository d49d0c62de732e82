"""The header's search (issue 25): what each person finds, the jump on an exact area reference,
the cap per kind with its "see all" link, and a fixed number of queries however much matches."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from applications.tests.factories import ApplicationFactory
from core import search as site_search
from programmes.models import Area, AreaStatus
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory

pytestmark = pytest.mark.django_db

URL = reverse("search")


def _group(response, name):
    """The titles listed under one kind's heading, in order ([] when the kind is not shown)."""
    body = response.content.decode()
    match = re.search(rf'<section[^>]*aria-labelledby="search-{name}">(.*?)</section>', body, re.S)
    if not match:
        return None
    return re.findall(r'class="fw-semibold"[^>]*>([^<]+)<', match.group(1))


@pytest.fixture
def world(db):
    """Two lead organisations, each leading an area in Leeds, and a staff member per role."""
    rnd = RoundFactory(name="Round 2")
    ours = OrganisationFactory(name="Oakfield Community Trust")
    theirs = OrganisationFactory(name="Elmwood Residents Group")
    mine = AreaFactory(
        reference="R2-041", name="Oakfield Estate", round=rnd, lead_organisation=ours
    )
    other = AreaFactory(
        reference="R2-042", name="Elmwood Park", round=rnd, lead_organisation=theirs
    )
    lead = UserFactory(username="lead", first_name="Lena", last_name="Lead")
    MembershipFactory(user=lead, organisation=ours)
    return {
        "round": rnd,
        "ours": ours,
        "theirs": theirs,
        "mine": mine,
        "other": other,
        "lead": lead,
    }


class TestWhoFindsWhat:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(URL, {"q": "Leeds"})

        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_lead_finds_only_their_own_organisations_areas(self, client_for, world):
        response = client_for(world["lead"]).get(URL, {"q": "Leeds"})

        assert _group(response, "areas") == ["R2-041 Oakfield Estate"]
        assert "Elmwood" not in response.content.decode()

    def test_lead_cannot_find_another_organisations_area_by_reference_or_name(
        self, client_for, world
    ):
        client = client_for(world["lead"])

        by_reference = client.get(URL, {"q": "R2-042"})
        by_name = client.get(URL, {"q": "Elmwood"})

        # No jump to an area they may not see, and nothing of it listed.
        assert by_reference.status_code == 200
        assert _group(by_reference, "areas") == []
        assert _group(by_name, "areas") == []
        assert _group(by_name, "organisations") == []
        for response in (by_reference, by_name):
            content = response.content.decode()
            assert "Elmwood Park" not in content and "Elmwood Residents" not in content

    def test_lead_is_not_offered_people(self, client_for, world):
        response = client_for(world["lead"]).get(URL, {"q": "Lena"})

        assert _group(response, "people") is None

    def test_lead_finds_their_own_applications_only(self, client_for, world):
        ApplicationFactory(organisation=world["ours"], area_name="Oakfield North", submitted=True)
        ApplicationFactory(organisation=world["theirs"], area_name="Oakfield South", submitted=True)

        response = client_for(world["lead"]).get(URL, {"q": "Oakfield"})

        assert _group(response, "applications") == ["Oakfield North"]

    @pytest.mark.parametrize(
        "role", ["programme_manager", "funder_officer", "relationship_manager", "admin"]
    )
    def test_staff_find_every_area_organisation_application_and_person(
        self, client_for, world, role
    ):
        staff = UserFactory(**{role: True})
        ApplicationFactory(organisation=world["theirs"], area_name="Elmwood Vale", submitted=True)
        ApplicationFactory(organisation=world["theirs"], area_name="Elmwood Draft")  # a draft
        UserFactory(first_name="Elma", last_name="Woodhouse", email="elma@example.org")

        response = client_for(staff).get(URL, {"q": "Elm"})

        assert _group(response, "areas") == ["R2-042 Elmwood Park"]
        assert _group(response, "organisations") == ["Elmwood Residents Group"]
        # Staff search what has been sent, as the assessment queue lists it.
        assert _group(response, "applications") == ["Elmwood Vale"]
        assert _group(response, "people") == ["Elma Woodhouse"]

    def test_people_by_full_name_or_email_link_to_their_organisation(self, client_for, world):
        pm = UserFactory(programme_manager=True)

        by_name = client_for(pm).get(URL, {"q": "Lena Lead"})
        by_email = client_for(pm).get(URL, {"q": "lead@example"})

        assert _group(by_name, "people") == ["Lena Lead"]
        assert _group(by_email, "people") == ["Lena Lead"]
        assert world["ours"].get_absolute_url() in by_name.content.decode()

    def test_an_area_found_by_organisation_or_district(self, client_for, world):
        pm = UserFactory(programme_manager=True)
        Area.objects.filter(pk=world["other"].pk).update(local_authority="Wakefield")

        by_organisation = client_for(pm).get(URL, {"q": "oakfield community"})
        by_district = client_for(pm).get(URL, {"q": "wakef"})

        assert _group(by_organisation, "areas") == ["R2-041 Oakfield Estate"]
        assert _group(by_district, "areas") == ["R2-042 Elmwood Park"]


class TestJumpToArea:
    def test_an_exact_reference_goes_straight_to_the_area(self, client_for, world):
        response = client_for(world["lead"]).get(URL, {"q": " r2-041 "})

        assert response.status_code == 302
        assert response["Location"] == world["mine"].get_absolute_url()

    def test_staff_jump_to_any_area(self, client_for, world):
        pm = UserFactory(programme_manager=True)

        response = client_for(pm).get(URL, {"q": "R2-042"})

        assert response["Location"] == world["other"].get_absolute_url()

    def test_part_of_a_reference_lists_instead(self, client_for, world):
        pm = UserFactory(programme_manager=True)

        response = client_for(pm).get(URL, {"q": "R2-04"})

        assert response.status_code == 200
        assert _group(response, "areas") == ["R2-041 Oakfield Estate", "R2-042 Elmwood Park"]


class TestPage:
    def test_too_short_asks_for_more(self, client_for, world):
        response = client_for(world["lead"]).get(URL, {"q": "R"})

        assert "Type at least two letters or digits." in response.content.decode()
        assert _group(response, "areas") is None

    def test_nothing_found_says_so(self, client_for, world):
        response = client_for(world["lead"]).get(URL, {"q": "Nowhere at all"})

        assert "Nothing matches “Nowhere at all” among what you can see." in (
            response.content.decode()
        )

    def test_the_header_box_is_on_signed_in_pages_and_keeps_the_words(self, client_for, world):
        client = client_for(world["lead"])

        home = client.get(reverse("mywork")).content.decode()
        results = client.get(URL, {"q": "Oak"}).content.decode()

        assert 'id="site-search-q"' in home and 'action="/search/"' in home
        assert re.search(r'id="site-search-q"[^>]*value="Oak"', results, re.S)

    def test_no_header_box_when_signed_out(self, client):
        assert 'id="site-search-q"' not in client.get(reverse("login")).content.decode()

    def test_results_are_capped_per_kind_with_a_link_to_the_filtered_list(self, client_for, world):
        pm = UserFactory(programme_manager=True)
        withdrawn = AreaFactory(reference="LS-000", name="Leeds Old", round=world["round"])
        Area.objects.filter(pk=withdrawn.pk).update(status=AreaStatus.WITHDRAWN)
        for n in range(1, site_search.PER_KIND + 3):
            AreaFactory(reference=f"LS-{n:03d}", name=f"Leeds {n}", round=world["round"])

        response = client_for(pm).get(URL, {"q": "LS-"})

        content = response.content.decode()
        assert len(_group(response, "areas")) == site_search.PER_KIND
        total = site_search.PER_KIND + 3
        assert f"Showing the first {site_search.PER_KIND} of {total}." in content
        see_all = re.search(r'<a href="([^"]+)">See all \d+ in Areas</a>', content).group(1)
        listed = client_for(pm).get(see_all.replace("&amp;", "&"))
        # Every round and status, as the search: the withdrawn area is there too.
        assert f"{total} found" in listed.content.decode()

    def test_a_lead_has_no_link_to_the_staff_lists(self, client_for, world):
        for n in range(site_search.PER_KIND + 1):
            AreaFactory(
                reference=f"LD-{n:03d}", round=world["round"], lead_organisation=world["ours"]
            )

        content = client_for(world["lead"]).get(URL, {"q": "LD-"}).content.decode()

        assert "Showing the first" in content
        assert "See all" not in content


@pytest.mark.parametrize("role", ["programme_manager", "lead"])
def test_query_count_is_the_same_for_few_and_many_matches(
    client_for, world, role, django_assert_max_num_queries
):
    user = world["lead"] if role == "lead" else UserFactory(programme_manager=True)

    def add(n, start):
        for i in range(start, start + n):
            org = world["ours"] if role == "lead" else OrganisationFactory(name=f"Leeds Org {i}")
            AreaFactory(reference=f"LQ-{i:03d}", round=world["round"], lead_organisation=org)
            ApplicationFactory(organisation=org, area_name=f"Leeds App {i}", submitted=True)
            UserFactory(first_name="Leeds", last_name=f"Person {i}")

    client = client_for(user)
    add(2, 0)
    with django_assert_max_num_queries(14) as few:
        small = client.get(URL, {"q": "Leeds"})
    add(25, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(URL, {"q": "Leeds"})

    assert small.status_code == large.status_code == 200
    assert len(_group(large, "areas")) == site_search.PER_KIND
