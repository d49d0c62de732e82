import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import AreaAssignmentFactory
from programmes.models import OrganisationType
from programmes.tests.factories import AreaFactory, theme

pytestmark = pytest.mark.django_db

CSV = "reports:export_areas_csv"
XLSX = "reports:export_areas_xlsx"


def _csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def areas(db):
    vcs = AreaFactory(
        reference="OP-A1",
        name="Abbey",
        local_authority="York",
        lead_organisation__org_type=OrganisationType.VCS,
    )
    parish = AreaFactory(
        reference="OP-B2",
        name="Brampton",
        local_authority="Carlisle",
        lead_organisation__org_type=OrganisationType.PARISH_COUNCIL,
        lead_organisation__charity_number="",
        themes=[theme("health-and-wellbeing"), theme("young-people")],
    )
    AreaAssignmentFactory(area=parish, user__first_name="Helen", user__last_name="Moss")
    return vcs, parish


def test_export_needs_login(client):
    response = client.get(reverse(CSV))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["relationship_manager", "funder_officer", "lead_user"])
@pytest.mark.parametrize("name", [CSV, XLSX])
def test_export_is_forbidden_for_other_roles(request, client_for, who, name):
    response = client_for(request.getfixturevalue(who)).get(reverse(name))
    assert response.status_code == 403


def test_csv_streams_header_and_every_area(client_for, programme_manager, areas):
    response = client_for(programme_manager).get(reverse(CSV))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Reference", "Area", "Lead organisation"]
    assert [r[0] for r in rows[1:]] == ["OP-A1", "OP-B2"]
    brampton = dict(zip(rows[0], rows[2], strict=True))
    assert brampton["Organisation type"] == "Parish or town council"
    assert brampton["Themes"] == "Health and wellbeing; Young people"
    assert brampton["Relationship manager"] == "Helen Moss"


def test_csv_keeps_the_list_pages_filters_and_sort(client_for, admin_user, areas):
    client = client_for(admin_user)
    rows = _csv_rows(client.get(reverse(CSV), {"org_type": "parish_council"}))
    assert [r[0] for r in rows[1:]] == ["OP-B2"]
    rows = _csv_rows(client.get(reverse(CSV), {"q": "abbey"}))
    assert [r[0] for r in rows[1:]] == ["OP-A1"]
    rows = _csv_rows(client.get(reverse(CSV), {"theme": "young-people"}))
    assert [r[0] for r in rows[1:]] == ["OP-B2"]  # one row, though the filter joins themes
    rows = _csv_rows(client.get(reverse(CSV), {"sort": "-reference"}))
    assert [r[0] for r in rows[1:]] == ["OP-B2", "OP-A1"]


def test_xlsx_has_header_and_filtered_rows(client_for, programme_manager, areas):
    response = client_for(programme_manager).get(reverse(XLSX), {"local_authority": "York"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][:2] == ("OP-A1", "Abbey")


def test_area_list_export_links_keep_the_filters_for_managers_only(
    client_for, programme_manager, relationship_manager
):
    url = reverse("programmes:area_list")
    html = client_for(programme_manager).get(url, {"org_type": "vcs"}).content.decode()
    assert reverse(CSV) + "?org_type=vcs" in html and reverse(XLSX) + "?org_type=vcs" in html
    html = client_for(relationship_manager).get(url).content.decode()
    assert reverse(CSV) not in html


def test_csv_query_count_does_not_grow_with_areas(
    client_for, programme_manager, django_assert_max_num_queries
):
    client = client_for(programme_manager)
    AreaFactory.create_batch(3)
    with django_assert_max_num_queries(12) as small:
        _csv_rows(client.get(reverse(CSV)))
    AreaFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = _csv_rows(client.get(reverse(CSV)))
    assert len(rows) == 24


def test_csv_and_xlsx_queries_stay_flat_across_many_chunks(
    client_for, programme_manager, django_assert_max_num_queries, monkeypatch
):
    """Issue 13: the themes were read once per 500-row chunk (6 queries at 1,000 areas, 44 at
    20,000). With chunks of 2, the same growth shows with a handful of areas."""
    from reports.exports import areas as area_export

    monkeypatch.setattr(area_export, "CHUNK_SIZE", 2)
    client = client_for(programme_manager)
    AreaFactory.create_batch(2)

    def read(name):
        response = client.get(reverse(name))
        return b"".join(response.streaming_content) if response.streaming else response.content

    for name in (CSV, XLSX):
        with django_assert_max_num_queries(20) as small:
            read(name)
        AreaFactory.create_batch(9)
        with django_assert_max_num_queries(len(small.captured_queries)):
            read(name)
    rows = _csv_rows(client.get(reverse(CSV)))
    assert len(rows) == 2 + 18 + 1
    assert all(row[7] for row in rows[1:]), "every area's themes are in the export"
