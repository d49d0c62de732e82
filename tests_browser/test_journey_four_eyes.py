"""Four eyes on money in a real browser: the programme manager bulk-approves payments from the
finance list (a confirmation page with the total, then one result line each), and the finance
officer bulk-pays them; a payment the finance officer approved is refused with the rule."""

import re

import pytest
from playwright.sync_api import expect

from grants.models import Payment

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_programme_manager_approves_and_finance_pays_in_bulk(page, demo_data):
    scheduled = list(
        Payment.objects.filter(
            status=Payment.Status.SCHEDULED, award__status="live", amount__lte=10000
        )
        .select_related("award__area")
        .order_by("id")[:3]
    )
    assert len(scheduled) == 3
    scheduled, other = scheduled[:2], scheduled[2]
    total = sum(p.amount for p in scheduled)

    login(page, "pm")
    page.goto("/grants/finance/?status=scheduled")
    for p in scheduled:
        page.locator(f"#select-{p.pk}").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approve: 2 payments")
    expect(page.locator("#bulk-total")).to_contain_text(f"£{total:,.2f}")
    screenshot(page, "four_eyes_bulk_approve_confirm")
    page.get_by_role("button", name=re.compile(r"^Approve 2 payments")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 of 2 done")
    screenshot(page, "four_eyes_bulk_approve_results")
    for p in scheduled:
        p.refresh_from_db()
        assert p.status == Payment.Status.APPROVED and p.approved_by.username == "pm"
    logout(page)

    # The finance officer approves one more payment, then selects it with pm's two to pay.
    login(page, "finance")
    page.goto("/grants/finance/?show=mine")
    page.locator(f"#select-{other.pk}").check()
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_role("button", name=re.compile(r"^Approve 1 payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 of 1 done")
    page.goto("/grants/finance/?status=approved")
    for p in [*scheduled, other]:
        page.locator(f"#select-{p.pk}").check()
    page.get_by_role("button", name="Mark selected as paid").click()
    # The one the finance officer approved is listed apart, with the rule, and left out.
    refused = page.locator("section", has=page.locator("#bulk-refused"))
    expect(refused).to_contain_text("Will not be done: 1 payment")
    expect(refused).to_contain_text("You approved this payment; a finance officer who did not")
    page.get_by_label("Batch reference").fill("BACS-RUN-77")
    page.get_by_role("button", name=re.compile(r"^Mark as paid 2 payments")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 of 2 done")
    screenshot(page, "four_eyes_bulk_pay_results")
    for p in scheduled:
        p.refresh_from_db()
        assert p.status == Payment.Status.PAID and p.paid_by.username == "finance"
        assert p.reference == "BACS-RUN-77"
    other.refresh_from_db()
    assert other.status == Payment.Status.APPROVED
