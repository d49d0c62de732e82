"""Issue 24's early warning in a real browser: the programme manager finds the areas to call on
My work, opens the round's list (worst first, with reasons) and filters it by relationship
manager; the area's page says why it is flagged; the relationship manager sees the area first on
My areas, logs a contact, and the area's score is recomputed at once without its "no contact"
reason."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from core.testing import today
from earlywarning.models import AreaWarning

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_areas_to_call_and_why(page, demo_data, eager_tasks):
    rm = User.objects.get(username="rm")
    # (In Python: SQLite has no JSON "contains".)
    warning = next(
        (
            w
            for w in AreaWarning.objects.filter(
                flagged=True,
                area__round__slug="round-2",
                area__assignments__user=rm,
                area__assignments__ended_on__isnull=True,
            )
            .select_related("area")
            .order_by("-score", "area__reference")
            if any(r["signal"] == "no_contact" for r in w.reasons)
        ),
        None,
    )
    assert warning is not None, "the demo has a flagged area of rm's without recent contact"
    area = warning.area
    no_contact = next(r["reason"] for r in warning.reasons if r["signal"] == "no_contact")

    # --- The programme manager: My work, then the round's list. ------------------------------
    login(page, "pm")
    group = page.get_by_role("region", name=re.compile("^Areas to call this week"))
    expect(group).to_be_visible()
    group.get_by_role("link", name=re.compile("^Open the list")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early warning: Round 2")
    rows = page.get_by_role("table", name="Active areas of Round 2, worst first")
    expect(rows).to_contain_text(no_contact)
    page.get_by_label("Relationship manager").select_option(label=rm.get_full_name() or "rm")
    page.get_by_role("button", name="Filter").click()
    expect(rows.locator("tbody tr").first).to_contain_text(area.reference)
    screenshot(page, "j24_early_warning_list")

    # --- The area page says why. --------------------------------------------------------------
    page.goto(area.get_absolute_url())
    panel = page.locator("#h-early-warning").locator("xpath=..")
    expect(panel).to_contain_text("Flagged")
    expect(panel).to_contain_text(no_contact)
    logout(page)

    # --- The relationship manager: My areas worst first; a contact clears "no contact". -------
    login(page, "rm")
    page.goto(reverse("support:my_areas"))
    expect(page.locator("tbody tr").first).to_contain_text("Flagged")
    page.goto(reverse("support:contact_log", args=[area.reference]))
    page.get_by_label("Date").fill(today().isoformat())
    page.get_by_label("Type of contact").select_option(label="Phone or video call")
    page.get_by_label("Notes").fill("Caught up about the Getting Going application.")
    page.get_by_role("button", name="Log contact").click()
    expect(flash(page)).to_contain_text(f"Contact with {area.name} logged.")
    warning.refresh_from_db()
    assert "no_contact" not in {r["signal"] for r in warning.reasons}
    page.goto(area.get_absolute_url())
    panel = page.locator("#h-early-warning").locator("xpath=..")
    expect(panel).to_contain_text("Score")
    expect(panel).not_to_contain_text(no_contact)
