"""Issue 25 in a real browser, on the relationship manager's contact log: every text with a limit
shows a counter under it (the site-wide one in static/js/ourplace.js), and a note over the limit
(a 180 KB one was once accepted) and a follow-up due in 2019 come back refused, each next to its
field, with nothing saved. Screenshots at 1366 and 390 px: var/screenshots/text_bounds_*.png."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AreaAssignmentFactory
from core.text import NOTE_CHARS
from programmes.tests.factories import AreaFactory
from support.models import FollowUp, SupportContact

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "text-bounds-secret-42"
LONG_NOTE = "Long meeting notes. " * 8_999 + "The end, at last."


@pytest.fixture
def contact_log(page, relationship_manager):
    area = AreaFactory(name="Beeston Hill")
    AreaAssignmentFactory(area=area, user=relationship_manager)
    relationship_manager.set_password(PASSWORD)
    relationship_manager.save()
    login(page, relationship_manager.username, PASSWORD)
    page.goto(f"/support/areas/{area.reference}/log/")
    return area


def test_counter_under_each_text_and_over_long_note_refused_by_the_field(page, contact_log):
    notes = page.locator("#id_notes")
    count = page.locator("#id_notes_count")
    expect(count).to_have_text(f"0 / {NOTE_CHARS:,}")
    assert notes.get_attribute("aria-describedby").endswith("id_notes_count")
    # The short reason box counts against its own limit; one-line names get no counter.
    expect(page.locator("#id_risk_description_count")).to_have_text("0 / 1,000")
    assert page.locator("#id_participants_count").count() == 0

    notes.press_sequentially("Met the chair")
    notes.press("Enter")
    notes.press_sequentially("and the treasurer")
    expect(count).to_have_text(f"31 / {NOTE_CHARS:,}")

    # The browser stops typing at the limit; text pasted by a script (or an old browser) is not
    # stopped, so the server must refuse it.
    notes.evaluate("(field, text) => { field.value = text; }", LONG_NOTE)
    page.locator("#id_followups-0-action").fill("Send the template")
    page.locator("#id_followups-0-due_on").fill("2019-03-14")
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_load_state()

    expect(page.locator("#error_1_id_notes")).to_have_text(
        f"Ensure this value has at most {NOTE_CHARS} characters (it has {len(LONG_NOTE)})."
    )
    expect(page.locator("#id_followups-0-due_on ~ .invalid-feedback")).to_contain_text(
        "must be today or later"
    )
    # Shown again as typed, so it can be cut down; the counter says by how much.
    expect(page.locator("#id_notes_count")).to_have_text(
        f"{len(LONG_NOTE):,} / {NOTE_CHARS:,} ({len(LONG_NOTE) - NOTE_CHARS:,} too many)"
    )
    assert not SupportContact.objects.exists()
    assert not FollowUp.objects.exists()

    # The refused page stays a page, not a 29,042 px wall of text: the box keeps its rows.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4_000, height
    screenshot(page, "text_bounds_contact_refused_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "text_bounds_contact_refused_390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
