"""The area page's lazy panels as a browser gets them (core.area_panels): the page holds a
placeholder that fetches the panel with htmx; tests of a panel's content read the panel's URL."""

from django.urls import reverse


def panel_url(area, name: str) -> str:
    return reverse("programmes:area_panel", args=[area.reference, name])


def area_panel(client, area, name: str) -> str:
    """The HTML of the area page's panel `name` for the client's user, after checking that the
    area page holds its placeholder (so the panel is one the page shows)."""
    page = client.get(area.get_absolute_url())
    assert page.status_code == 200
    url = panel_url(area, name)
    assert f'hx-get="{url}"' in page.content.decode(), f"no placeholder for the {name} panel"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()
