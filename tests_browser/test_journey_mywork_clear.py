"""Issue 25 in a real browser: a relationship manager snoozes an item of My work, sees it leave
the page and the Hidden count go up, then restores it from the Hidden list and sees it back."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.testing import today

from .conftest import flash, login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_snooze_an_item_see_it_gone_and_restore_it(page, demo_data):
    login(page, "rm")
    page.goto(reverse("mywork"))
    followups = page.locator('section.mywork-group[data-kind="followups_due"]')
    item = followups.locator("li.mywork-item").first
    title = item.locator("a.fw-semibold").inner_text()
    heading = followups.get_by_role("heading", level=2)
    total = int(re.search(r"\d+", heading.inner_text()).group())
    expect(page.locator("#mywork-hidden-link")).to_contain_text("Hidden (0)")

    item.locator("summary").click()
    item.get_by_label("Snooze until").fill((today() + datetime.timedelta(days=7)).isoformat())
    item.get_by_role("button", name=re.compile(r"^Snooze")).click()

    expect(flash(page)).to_contain_text("is snoozed until")
    expect(page.locator("#mywork-hidden-link")).to_contain_text("Hidden (1)")
    # Gone: the group counts one fewer (another item of the same wording may take its place).
    expect(heading).to_have_text(re.compile(rf"^Follow-ups {total - 1}\b"))
    screenshot(page, "j25_rm_snoozed")

    page.locator("#mywork-hidden-link").click()
    row = page.locator("li.hidden-item").filter(has_text=title)
    expect(row).to_contain_text("Snoozed until")
    row.get_by_role("button", name=re.compile(r"^Restore")).click()

    expect(flash(page)).to_contain_text("is back on your My work")
    page.goto(reverse("mywork"))
    expect(page.locator("#mywork-hidden-link")).to_contain_text("Hidden (0)")
    expect(heading).to_have_text(re.compile(rf"^Follow-ups {total}\b"))
    expect(followups.get_by_role("link", name=title, exact=True).first).to_be_visible()
