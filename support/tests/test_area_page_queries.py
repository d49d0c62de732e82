"""The area page and its support panels read the follow-ups once, and run the same number of
queries however many contacts, risks and follow-ups the area has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.tests.factories import AreaFactory
from programmes.tests.panels import panel_url

from .factories import FollowUpFactory, SupportContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [1, 6])
def test_area_page_reads_follow_ups_once_in_flat_queries(
    client_for, programme_manager, django_assert_max_num_queries, n
):
    area = AreaFactory()
    for _ in range(n):
        contact = SupportContactFactory(area=area, high_risk=True)
        FollowUpFactory(contact=contact)
    client = client_for(programme_manager)
    client.get(area.get_absolute_url())
    # 14, as programmes' own test of the area page holds it: the panels that read most (support,
    # recent contacts, delivery, timeline) arrive after the page, below.
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(14):
        response = client.get(area.get_absolute_url())
    assert response.status_code == 200
    followups = [q for q in ctx.captured_queries if 'FROM "support_followup"' in q["sql"]]
    assert len(followups) == 1
    page = response.content.decode()
    # The support panels arrive after the page (core.area_panels): each reads the follow-ups
    # once too, in as many queries however many the area has.
    for name, shown in (
        ("support", f"<strong>Open follow-ups:</strong> {n}</p>"),
        ("contacts", f"{n} open risk"),
    ):
        url = panel_url(area, name)
        assert f'hx-get="{url}"' in page
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(11):
            html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        followups = [q for q in ctx.captured_queries if 'FROM "support_followup"' in q["sql"]]
        assert len(followups) == 1, name
        assert shown in html
