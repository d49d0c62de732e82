"""The areas list: every filter, sorting, pagination that keeps the filters, and a fixed number of
queries however many areas there are."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from programmes.models import Area, AreaStage, AreaStatus, OrganisationType
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory, theme

pytestmark = pytest.mark.django_db

URL = reverse("programmes:area_list")


def _refs(response):
    """Area references in the table, in the order shown."""
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(r'<td[^>]*><a [^>]*href="/areas/([A-Z0-9-]+)/">\1</a></td>', table)


@pytest.fixture
def pm_client(client_for, programme_manager):
    return client_for(programme_manager)


def _at(area, *, stage=None, status=None):
    Area.objects.filter(pk=area.pk).update(
        **{k: v for k, v in {"stage": stage, "status": status}.items() if v}
    )
    return area


class TestFilters:
    def test_opens_on_the_current_rounds_areas_still_in_the_programme(self, pm_client):
        """Issue 25: a bare /areas/ listed every round's areas, the finished pilot first and
        withdrawn areas on page 1. It opens on the current round's active areas, by reference,
        and says so, with a way to see them all."""
        pilot = RoundFactory(slug="pilot", status="finished")
        current = RoundFactory(slug="round-2", name="Round 2")
        for ref in ("R2-003", "R2-001"):
            AreaFactory(reference=ref, round=current)
        _at(AreaFactory(reference="R2-002", round=current), status=AreaStatus.WITHDRAWN)
        AreaFactory(reference="P-001", round=pilot)

        response = pm_client.get(URL)

        content = response.content.decode()
        assert _refs(response) == ["R2-001", "R2-003"]
        assert "2 found" in content
        assert "Showing Round 2&#x27;s areas still in the programme." in content
        show_all = re.search(r'<a href="\?([^"]+)">Show all areas</a>', content)
        assert show_all
        everything = pm_client.get(f"{URL}?{show_all.group(1).replace('&amp;', '&')}")
        assert _refs(everything) == ["P-001", "R2-001", "R2-002", "R2-003"]
        assert "Show all areas</a>" not in everything.content.decode()

    def test_sorting_the_opening_view_keeps_it(self, pm_client):
        current = RoundFactory(slug="round-2")
        for ref, name in (("R2-001", "Walker"), ("R2-002", "Anfield")):
            AreaFactory(reference=ref, name=name, round=current)
        _at(AreaFactory(reference="R2-003", round=current), status=AreaStatus.WITHDRAWN)

        assert _refs(pm_client.get(URL, {"sort": "name"})) == ["R2-002", "R2-001"]

    def test_sorting_by_status(self, pm_client):
        rnd = RoundFactory()
        _at(AreaFactory(reference="OP-0001", round=rnd), status=AreaStatus.WITHDRAWN)
        AreaFactory(reference="OP-0002", round=rnd)
        everything = {"round": "", "status": ""}

        assert _refs(pm_client.get(URL, {**everything, "sort": "status"})) == [
            "OP-0002",  # active
            "OP-0001",  # withdrawn
        ]
        assert _refs(pm_client.get(URL, {**everything, "sort": "-status"})) == [
            "OP-0001",
            "OP-0002",
        ]

    def test_exports_carry_the_filters_the_page_shows(self, pm_client):
        RoundFactory(slug="round-2")

        content = pm_client.get(URL).content.decode()

        csv_link = re.search(r'href="([^"]*areas\.csv[^"]*)"', content).group(1)
        assert "round=round-2" in csv_link and "status=active" in csv_link

    def test_round(self, pm_client):
        pilot, live = RoundFactory(slug="pilot"), RoundFactory(slug="round-2")
        a = AreaFactory(round=pilot)
        AreaFactory(round=live)

        assert _refs(pm_client.get(URL, {"round": "pilot"})) == [a.reference]

    def test_stage(self, pm_client):
        going = _at(AreaFactory(), stage=AreaStage.GETTING_GOING)
        AreaFactory()

        assert _refs(pm_client.get(URL, {"stage": "getting_going"})) == [going.reference]

    def test_status(self, pm_client):
        withdrawn = _at(AreaFactory(), status=AreaStatus.WITHDRAWN)
        AreaFactory()

        response = pm_client.get(URL, {"status": "withdrawn"})

        assert _refs(response) == [withdrawn.reference]
        # Status is written in words as well as shown by the badge colour.
        assert "Withdrawn" in response.content.decode()

    def test_lead_organisation_type(self, pm_client):
        parish = AreaFactory(
            lead_organisation=OrganisationFactory(org_type=OrganisationType.PARISH_COUNCIL)
        )
        AreaFactory()

        response = pm_client.get(URL, {"org_type": "parish_council"})

        assert _refs(response) == [parish.reference]

    def test_theme_lists_each_area_once(self, pm_client):
        housing, youth = theme("housing"), theme("young-people")
        both = AreaFactory(themes=[housing, youth])
        AreaFactory(themes=[theme()])

        response = pm_client.get(URL, {"theme": "housing"})

        assert _refs(response) == [both.reference]
        assert "1 found" in response.content.decode()

    def test_local_authority_choices_come_from_the_areas(self, pm_client):
        salford = AreaFactory(local_authority="Salford")
        AreaFactory(local_authority="Leeds")

        response = pm_client.get(URL, {"local_authority": "Salford"})

        assert _refs(response) == [salford.reference]
        assert '<option value="Leeds">Leeds</option>' in response.content.decode()

    def test_relationship_manager_counts_only_current_assignments(self, pm_client):
        helen = UserFactory(relationship_manager=True, first_name="Helen", last_name="Moss")
        tom = UserFactory(relationship_manager=True, first_name="Tom", last_name="Ainsworth")
        current = AreaFactory()
        AreaAssignmentFactory(area=current, user=helen)
        handed_over = AreaFactory()
        AreaAssignmentFactory(
            area=handed_over, user=helen, started_on="2025-01-01", ended_on="2025-06-30"
        )
        AreaAssignmentFactory(area=handed_over, user=tom, started_on="2025-07-01")

        response = pm_client.get(URL, {"relationship_manager": helen.pk})

        assert _refs(response) == [current.reference]
        assert "Helen Moss" in response.content.decode()

    @pytest.mark.parametrize(
        "query", ["harehills", "R2-0", "Harehills Community", "Kirklees"], ids=str
    )
    def test_search_matches_reference_name_organisation_or_district(self, pm_client, query):
        hit = AreaFactory(
            reference="R2-041",
            name="Harehills",
            local_authority="Kirklees",
            lead_organisation=OrganisationFactory(name="Harehills Community Association"),
        )
        AreaFactory(reference="PL-001", name="Seacroft", local_authority="Leeds")

        assert _refs(pm_client.get(URL, {"q": query})) == [hit.reference]

    def test_filters_combine(self, pm_client):
        pilot = RoundFactory(slug="pilot")
        match = _at(AreaFactory(round=pilot, themes=[theme("housing")]), stage="implementation")
        _at(AreaFactory(round=pilot, themes=[theme()]), stage="implementation")
        _at(AreaFactory(themes=[theme("housing")]), stage="implementation")

        response = pm_client.get(
            URL, {"round": "pilot", "stage": "implementation", "theme": "housing"}
        )

        assert _refs(response) == [match.reference]

    def test_nothing_matching_says_so_with_a_way_out(self, pm_client):
        AreaFactory()

        response = pm_client.get(URL, {"q": "nowhere at all"})

        assert "No areas match these filters" in response.content.decode()

    def test_a_nonsense_filter_value_is_shown_as_an_error_not_a_crash(self, pm_client):
        AreaFactory()

        response = pm_client.get(URL, {"stage": "bogus"})

        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()


class TestSorting:
    @pytest.fixture
    def three(self):
        # One round: the list opens on the current round (see TestFilters).
        rnd = RoundFactory()
        for ref, name, district in (
            ("OP-0001", "Walker", "Newcastle upon Tyne"),
            ("OP-0002", "Anfield", "Liverpool"),
            ("OP-0003", "Moss Side", "Manchester"),
        ):
            AreaFactory(reference=ref, name=name, local_authority=district, round=rnd)

    def test_by_name_both_ways(self, pm_client, three):
        assert _refs(pm_client.get(URL, {"sort": "name"})) == ["OP-0002", "OP-0003", "OP-0001"]
        assert _refs(pm_client.get(URL, {"sort": "-name"})) == ["OP-0001", "OP-0003", "OP-0002"]

    def test_by_local_authority(self, pm_client, three):
        response = pm_client.get(URL, {"sort": "local_authority"})

        assert _refs(response) == ["OP-0002", "OP-0003", "OP-0001"]

    def test_by_relationship_manager(self, pm_client, three):
        zoe = UserFactory(relationship_manager=True, first_name="Zoe", last_name="Young")
        amy = UserFactory(relationship_manager=True, first_name="Amy", last_name="Adams")
        AreaAssignmentFactory(area=Area.objects.get(reference="OP-0001"), user=amy)
        AreaAssignmentFactory(area=Area.objects.get(reference="OP-0002"), user=zoe)

        refs = _refs(pm_client.get(URL, {"sort": "relationship_manager"}))

        assert refs.index("OP-0001") < refs.index("OP-0002")

    def test_header_links_toggle_direction_and_keep_filters(self, pm_client, three):
        response = pm_client.get(URL, {"sort": "name", "q": "a", "page": "1"})

        content = response.content.decode()
        name_link = re.search(r'<a href="\?([^"]+)" data-sort="ascending">Area', content)
        assert name_link
        assert "sort=-name" in name_link.group(1)
        # Sorting links never carry the page number: a new order starts on page one.
        header = content.split("<thead>", 1)[1].split("</thead>", 1)[0]
        assert "page=" not in header
        assert "q=a" in header

    def test_sorting_is_kept_when_filtering(self, pm_client, three):
        content = pm_client.get(URL, {"sort": "-name"}).content.decode()

        assert '<input type="hidden" name="sort" value="-name">' in content


class TestPagination:
    def test_pages_of_25_keep_filters_and_sorting(self, pm_client):
        for _ in range(30):
            _at(AreaFactory(), stage="getting_going")
        AreaFactory()  # at Getting Ready, filtered out

        first = pm_client.get(URL, {"stage": "getting_going", "sort": "-name"})
        content = first.content.decode()
        assert "30 found" in content
        assert len(_refs(first)) == 25
        assert "Page 1 of 2" in content
        next_link = re.search(r'<a class="page-link" href="\?([^"]+)">Next</a>', content)
        assert next_link
        query = next_link.group(1).replace("&amp;", "&")
        assert "stage=getting_going" in query and "sort=-name" in query and "page=2" in query

        second = pm_client.get(f"{URL}?{query}")
        assert len(_refs(second)) == 5
        assert set(_refs(first)).isdisjoint(_refs(second))
        assert "Previous" in second.content.decode()

    def test_a_page_past_the_end_shows_the_last_page(self, pm_client):
        rnd = RoundFactory()
        for _ in range(3):
            AreaFactory(round=rnd)

        response = pm_client.get(URL, {"page": "99"})

        assert response.status_code == 200
        assert len(_refs(response)) == 3


@pytest.mark.parametrize("params", [{}, {"theme": "housing", "sort": "relationship_manager"}])
def test_query_count_is_the_same_for_5_and_50_areas(
    pm_client, django_assert_max_num_queries, params
):
    rnd = RoundFactory()
    rm = UserFactory(relationship_manager=True)
    themes = [theme("housing"), theme("young-people"), theme()]

    def add(n):
        for _ in range(n):
            area = AreaFactory(round=rnd, themes=themes)
            AreaAssignmentFactory(area=area, user=rm)

    # 12: the opening view (no filter named) reads the current round and checks its slug.
    add(5)
    with django_assert_max_num_queries(12):
        small = pm_client.get(URL, params)
    add(45)
    with django_assert_max_num_queries(12):
        large = pm_client.get(URL, params)

    assert len(_refs(small)) == 5
    assert len(_refs(large)) == 25
    assert "50 found" in large.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "housing"},
        {"relationship_manager": "rm"},
        {"q": "Oak"},
        {"theme": "housing", "q": "Oak"},
    ],
)
def test_filtered_lists_need_no_distinct_and_no_or_across_tables(
    pm_client, params, django_assert_max_num_queries
):
    """Issue 13: the theme and relationship-manager filters joined and then DISTINCT-ed every
    column (count and page scanned every area: 100 ms at 20,000), and search OR-ed across the
    areas and organisations tables, which no index can serve. Now EXISTS and a UNION of id lists,
    each part indexable; the results are the same."""
    rm = UserFactory(relationship_manager=True)
    if params.get("relationship_manager"):
        params = {**params, "relationship_manager": rm.pk}
    housing = theme("housing")
    hit = AreaFactory(name="Oakfield", themes=[housing, theme("young-people")])
    AreaAssignmentFactory(area=hit, user=rm)
    AreaFactory(name="Elmwood", themes=[theme("young-people")])
    with django_assert_max_num_queries(11) as captured:
        response = pm_client.get(URL, params)
    assert _refs(response) == [hit.reference]
    area_queries = [  # the count and the page (not the district choices)
        q["sql"]
        for q in captured.captured_queries
        if "programmes_area" in q["sql"]
        and "COUNT(" in q["sql"]
        or '"programmes_area"."id",' in q["sql"]
    ]
    assert area_queries and not any("DISTINCT" in sql for sql in area_queries)
    if "q" in params:  # one id list per column, each with its own index
        assert all("UNION ALL" in sql for sql in area_queries)


@pytest.mark.parametrize("n", [3, 15])
def test_local_authorities_are_each_district_once_in_order_in_one_query(
    django_assert_num_queries, n
):
    """Stepped through the index one district at a time: the same list as a DISTINCT over every
    area, in one query however many areas share a district."""
    from programmes.selectors import local_authorities

    districts = ["Salford", "Barnsley", "Leeds", "St Helens", "Kirklees"]
    for i in range(n):
        AreaFactory(local_authority=districts[i % len(districts)])
    expected = list(
        Area.objects.order_by("local_authority")
        .values_list("local_authority", flat=True)
        .distinct()
    )
    with django_assert_num_queries(1):
        found = local_authorities()
    assert found == expected == sorted(set(districts[:n]))


def test_no_areas_no_local_authorities(db):
    from programmes.selectors import local_authorities

    assert local_authorities() == []
