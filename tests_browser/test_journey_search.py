"""Issue 25 in a real browser: from any page, "/" puts the cursor in the header's search box; an
area's reference and Enter land on the area. A lead organisation user finds nothing of another
organisation's area. On a phone the header, search box included, fits the screen."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import MembershipFactory, UserFactory
from programmes.tests.factories import AreaFactory, OrganisationFactory, RoundFactory

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    # No serialized rollback: these journeys build their own rows with the factories, and the
    # root conftest puts the reference data (themes) back after the flush before each one.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct-horse-battery"  # accounts/tests/factories.py


@pytest.fixture
def areas(transactional_db):
    rnd = RoundFactory(name="Round 2")
    ours = OrganisationFactory(name="Oakfield Community Trust")
    mine = AreaFactory(
        reference="R2-041", name="Oakfield Estate", round=rnd, lead_organisation=ours
    )
    AreaFactory(reference="R2-042", name="Elmwood Park", round=rnd)
    UserFactory(username="searcher", programme_manager=True)
    lead = UserFactory(username="leader")
    MembershipFactory(user=lead, organisation=ours)
    return mine


def test_slash_then_a_reference_lands_on_the_area(page, areas):
    login(page, "searcher", PASSWORD)
    page.goto(reverse("programmes:organisation_list"))

    page.locator("main").click()  # the page has the keyboard, not a field
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name=re.compile("^Search areas"))
    expect(box).to_be_focused()
    page.keyboard.type("R2-041")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{areas.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oakfield Estate")


def test_a_slash_typed_into_a_field_stays_in_the_field(page, areas):
    login(page, "searcher", PASSWORD)
    page.goto(reverse("search"))

    field = page.locator("#search-page-q")
    field.click()
    page.keyboard.type("R2/")

    expect(field).to_have_value("R2/")
    expect(page.locator("#site-search-q")).not_to_be_focused()


def test_a_lead_finds_their_area_and_not_another(page, areas):
    login(page, "leader", PASSWORD)

    page.keyboard.press("/")
    page.keyboard.type("R2-042")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/search/\?q=R2-042"))
    expect(page.get_by_text("Nothing matches “R2-042” among what you can see.")).to_be_visible()
    page.keyboard.press("/")
    page.keyboard.type("Oak")
    page.keyboard.press("Enter")
    results = page.locator("section.search-group").filter(has_text="Areas")
    expect(results.get_by_role("link", name="R2-041 Oakfield Estate")).to_be_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_header_fits_with_its_search_box(page, areas, width):
    page.set_viewport_size({"width": width, "height": 800})
    login(page, "searcher", PASSWORD)
    page.goto(reverse("search") + "?q=R2-04")

    box = page.locator("#site-search-q")
    expect(box).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    nav = page.get_by_role("navigation", name="Main navigation")
    nav_box, search_box = nav.bounding_box(), box.bounding_box()
    assert search_box["x"] + search_box["width"] <= nav_box["x"] + nav_box["width"]
    if width == 390:
        # The menu button stays on the screen beside the box.
        toggler = page.locator(".navbar-toggler").bounding_box()
        assert toggler["x"] + toggler["width"] <= width
    screenshot(page, f"search_{width}")
