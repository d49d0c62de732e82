"""Issue 25, an area page that fits: on a 390 x 844 phone the first screen shows the area, its
status and its next step; the sections start folded (each with its count), so the page is at most
three screens; the timeline shows a page of entries and "Show older" brings the next; a link of
the contents bar opens the section it jumps to."""

import pytest
from playwright.sync_api import expect

from programmes.models import Area

from .conftest import SCREENSHOT_DIR, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
AREA = "R2-041"  # the demo's area with a draft plan and the longest timeline


def _in_first_screen(tab, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("username", ["pm", "lead"])
def test_the_area_page_fits_a_phone(browser, live_server, demo_data, username):
    from activity.panels import TIMELINE_PAGE

    area = Area.objects.get(reference=AREA)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    login(tab, username)
    tab.goto(area.get_absolute_url())
    # Every panel that arrives after the page is in (the support card brings the next step).
    expect(tab.locator("[aria-busy='true'][hx-get]")).to_have_count(0)

    # The first screen: the area, its stage and status, and its next step.
    heading = tab.get_by_role("heading", level=1, name=area.name)
    status = tab.locator(".area-status")
    next_step = tab.locator("#next-step")
    expect(next_step).to_be_visible()
    for what, locator in (("name", heading), ("status", status), ("next step", next_step)):
        assert _in_first_screen(tab, locator), f"the {what} is below the first screen"
    expect(status).to_contain_text(area.get_stage_display())

    # The sections start folded, each with its heading (and count where it has one).
    sections = tab.locator("details[data-area-section]")
    assert sections.count() >= 5
    assert tab.locator("details[data-area-section][open]").count() == 0
    height = tab.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * PHONE["height"], f"the folded page is {height} px"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOT_DIR / f"area-fits-{username}-390.png"), full_page=True)

    # A link of the contents bar opens its section and brings its heading into view.
    contents = tab.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Timeline").click()
    timeline = tab.locator("details:has(#h-timeline)")
    expect(timeline).to_have_attribute("open", "")
    expect(tab.get_by_role("heading", name="Timeline")).to_be_in_viewport()

    # The timeline shows a page of entries; "Show older" adds the next page below them.
    entries = timeline.locator(".timeline > li:not(.timeline-more)")
    expect(entries).to_have_count(TIMELINE_PAGE)
    first_page = entries.all_inner_texts()
    timeline.get_by_role("link", name="Show older").click()
    expect(entries).to_have_count(2 * TIMELINE_PAGE)  # R2-041 has more than two pages
    assert entries.all_inner_texts()[:TIMELINE_PAGE] == first_page
    # The first new entry has the focus: the reader carries on where the list grew.
    expect(entries.nth(TIMELINE_PAGE)).to_be_focused()
    expect(timeline.get_by_role("link", name="Show older")).to_have_count(1)

    # Another link opens its own section too.
    contents.get_by_role("link", name="Partners").click()
    expect(tab.locator("details:has(#h-partners)")).to_have_attribute("open", "")
    expect(tab.get_by_role("heading", name="Partners")).to_be_in_viewport()
    context.close()
