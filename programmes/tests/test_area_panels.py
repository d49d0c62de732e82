"""The area page's panels that arrive after it (core.area_panels): the page holds a placeholder
for each (its heading, a status and a link), and the panel's URL answers as the page does."""

import pytest
from django.urls import reverse

from activity.services import activity_record
from programmes.tests.panels import panel_url

pytestmark = pytest.mark.django_db


def test_the_page_holds_a_placeholder_that_htmx_replaces_with_the_panel(
    client_for, programme_manager, area
):
    html = client_for(programme_manager).get(area.get_absolute_url()).content.decode()
    url = panel_url(area, "timeline")
    # The heading the contents bar lists, "Loading…" for screen readers and a link without JS.
    assert (
        f'<section class="card mb-4" aria-labelledby="h-timeline" aria-busy="true" '
        f'hx-get="{url}" hx-trigger="load" hx-swap="outerHTML">'
    ) in html
    # Drawn as the closed section the panel will be on a phone, so the page does not move when
    # it arrives; the support card (not a folding section) keeps room for itself instead.
    assert (
        '<details class="card-body" data-area-section>\n'
        '  <summary><h2 class="h5" id="h-timeline">Timeline</h2> '
        '<span class="small text-muted" role="status">Loading…</span></summary>'
    ) in html
    assert f'<a href="{url}">Show timeline</a>' in html
    assert (
        '<section class="card mb-4 panel-placeholder-support" aria-labelledby="h-support"' in html
    )
    assert '<span role="status">Loading…</span>' in html
    # The ids the page's links and the contents bar rely on.
    assert 'id="delivery" aria-labelledby="h-delivery"' in html
    assert 'id="support" aria-labelledby="h-contacts"' in html


def test_htmx_gets_the_panel_alone_and_a_link_followed_without_js_a_page(
    client_for, programme_manager, area
):
    activity_record(verb="risk.flagged", summary="Steering group stalled", area=area)
    client = client_for(programme_manager)
    fragment = client.get(panel_url(area, "timeline"), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith("<section")
    assert "Steering group stalled" in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    page = client.get(panel_url(area, "timeline")).content.decode()
    assert page.startswith("<!doctype html>")
    assert "Steering group stalled" in page and f'href="{area.get_absolute_url()}"' in page


def test_no_such_panel_is_404(client_for, programme_manager, area):
    url = reverse("programmes:area_panel", args=[area.reference, "nothing"])
    assert client_for(programme_manager).get(url).status_code == 404


def test_a_lead_user_gets_no_panel_of_another_area(client_for, lead_user, other_area):
    activity_record(verb="risk.flagged", summary="Steering group stalled", area=other_area)
    client = client_for(lead_user)
    assert client.get(other_area.get_absolute_url()).status_code == 404
    for name in ("timeline", "support", "contacts", "delivery"):
        response = client.get(panel_url(other_area, name), HTTP_HX_REQUEST="true")
        assert response.status_code == 404, name


def test_a_panel_with_nothing_to_show_takes_its_placeholder_away(
    client_for, programme_manager, area
):
    """An area before delivery with no delivery records: the placeholder is swapped for nothing."""
    response = client_for(programme_manager).get(
        panel_url(area, "delivery"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def _page_url(area, name, page):
    return reverse("programmes:area_panel_page", args=[area.reference, name, page])


def test_the_timeline_comes_a_page_at_a_time_and_show_older_brings_the_next(
    client_for, programme_manager, area
):
    """Issue 25: the timeline listed every entry (45 on the demo's R2-041). It shows the latest
    page with how many there are in all; "Show older" brings the next page, with no entry twice."""
    import datetime
    import re

    from django.utils import timezone

    from activity.panels import TIMELINE_PAGE
    from activity.tests.factories import ActivityEntryFactory

    total = 2 * TIMELINE_PAGE + 3
    start = timezone.now() - datetime.timedelta(days=total)
    for i in range(total):
        ActivityEntryFactory(
            area=area, summary=f"Entry {i:02d}", occurred_at=start + datetime.timedelta(days=i)
        )
    client = client_for(programme_manager)

    def shown(html):
        return re.findall(r"Entry (\d\d)", html)

    first = client.get(panel_url(area, "timeline"), HTTP_HX_REQUEST="true").content.decode()
    assert shown(first) == [f"{i:02d}" for i in range(total - 1, total - 1 - TIMELINE_PAGE, -1)]
    assert f'{total}<span class="visually-hidden"> entries</span>' in first
    older = _page_url(area, "timeline", 2)
    assert f'hx-get="{older}" hx-target="closest li" hx-swap="outerHTML">Show older</a>' in first

    # htmx gets the next page's items alone (they replace the button), older than the first's.
    second = client.get(older, HTTP_HX_REQUEST="true")
    assert second.status_code == 200
    second = second.content.decode()
    assert "<section" not in second
    assert shown(second) == [f"{i:02d}" for i in range(total - 1 - TIMELINE_PAGE, 2, -1)]
    assert not set(shown(first)) & set(shown(second))
    third = client.get(_page_url(area, "timeline", 3), HTTP_HX_REQUEST="true").content.decode()
    assert shown(third) == ["02", "01", "00"]
    assert "Show older" not in third
    # Without JavaScript the link opens that page of the panel in a page of its own.
    page = client.get(older).content.decode()
    assert "<h1" in page and shown(page) == shown(second)


def test_only_a_paged_panel_has_pages(client_for, programme_manager, area):
    client = client_for(programme_manager)
    assert client.get(_page_url(area, "support", 2)).status_code == 404
    assert client.get(_page_url(area, "timeline", 0)).status_code == 404
