"""Issue 25, bulk work in a real browser: "select all on this page" on the finance list (a box in
the header drawn by static/js, under the Content-Security-Policy) then bulk approve; and "all N
matching this filter", resolved on the server, then bulk mark-as-paid with the batch reference
put in every payment's own reference field."""

import re

import pytest
from playwright.sync_api import expect

from grants.models import Payment

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_select_all_on_the_page_then_bulk_approve(page, demo_data):
    by_pm = Payment.objects.filter(approved_by__username="pm")
    before = by_pm.count()
    login(page, "pm")
    page.goto("/grants/finance/?status=scheduled")
    rows = page.locator('input[type="checkbox"][name="payment"]')
    count = rows.count()
    assert count == Payment.objects.filter(status="scheduled", award__status="live").count() > 2
    select_all = page.get_by_label("Select all payments on this page")
    expect(select_all).to_be_visible()
    select_all.check()
    for i in range(count):
        expect(rows.nth(i)).to_be_checked()
    # Untick one row: the header box says "some", and ticks them all again when clicked.
    rows.nth(0).uncheck()
    assert select_all.evaluate("el => el.indeterminate")
    select_all.check()
    expect(rows.nth(0)).to_be_checked()
    screenshot(page, "bulk_select_all_finance")

    page.get_by_role("button", name="Approve selected").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Approve:")
    will_do = int(re.search(r"Approve: (\d+) payment", heading.inner_text()).group(1))
    refused = page.locator("#bulk-refused")
    not_done = 0
    if refused.count():
        not_done = int(re.search(r"(\d+) payment", refused.inner_text()).group(1))
    assert will_do + not_done == count and will_do > 0
    screenshot(page, "bulk_select_all_confirm")
    page.get_by_role("button", name=re.compile(rf"^Approve {will_do} payment")).click()
    expect(heading).to_contain_text(f"{will_do} of {will_do} done")
    assert by_pm.count() - before == will_do
    logout(page)


def test_all_matching_the_filter_then_pay_with_a_reference_each(page, demo_data):
    ready = Payment.objects.filter(status="approved", award__status="live")
    expected = ready.exclude(approved_by__username="finance").exclude(
        second_approved_by__username="finance"
    )
    n = expected.count()
    login(page, "finance")
    page.goto("/grants/finance/?status=approved")
    page.get_by_label(re.compile(r"^All \d+ payments? matching this filter")).check()
    page.get_by_role("button", name="Mark selected as paid").click()
    expect(page.locator("#bulk-filter")).to_contain_text("Status: Approved (to pay)")
    page.get_by_label("Batch reference").fill("BACS-RUN-88")
    page.get_by_role("button", name="Put the batch reference in every payment's reference").click()
    references = page.locator("td.bulk-reference input")
    assert references.count() == n > 1
    for i in range(references.count()):
        expect(references.nth(i)).to_have_value("BACS-RUN-88")
    references.nth(0).fill("BACS-RUN-88/A")
    screenshot(page, "bulk_pay_all_matching_confirm")
    page.get_by_role("button", name=re.compile(r"^Mark as paid \d+ payments?")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{n} of {n} done")
    paid = Payment.objects.filter(reference__startswith="BACS-RUN-88")
    assert paid.count() == n and not paid.exclude(status="paid", paid_by__username="finance")
    assert set(paid.values_list("reference", flat=True)) == {"BACS-RUN-88", "BACS-RUN-88/A"}
