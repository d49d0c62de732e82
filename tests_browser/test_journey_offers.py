"""Issue 10 in a real browser, end to end: the programme manager cannot approve the advance of an
award whose grant offer is still waiting; the lead organisation reads the offer, downloads the
PDF letter and accepts it (name, role, this version); two people then move the money in bulk from
the finance list (the programme manager approves, the finance officer pays); the funder officer
reads the round's budget page and the dashboard's budget table."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grants.models import GrantOffer, Payment

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_lead_accepts_the_offer_before_money_moves_and_funder_reads_the_budget(page, demo_data):
    offer = GrantOffer.objects.select_related("award__area").get(status="issued")
    award, area = offer.award, offer.award.area
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    assert advance.status == Payment.Status.SCHEDULED

    # --- The programme manager cannot approve the advance yet. ----------------------------------
    login(page, "pm")
    page.goto(award.get_absolute_url())
    offer_card = page.get_by_role("region", name="Grant offer")
    expect(offer_card).to_contain_text("Issued")
    page.get_by_role("button", name=re.compile(r"^Approve advance payment")).click()
    expect(page.locator(".messages [role=alert]")).to_contain_text(
        "The grant offer has not been accepted yet"
    )
    advance.refresh_from_db()
    assert advance.status == Payment.Status.SCHEDULED
    logout(page)

    # --- The lead organisation finds the offer on its area page, downloads it and accepts. ------
    login(page, "lead")
    page.goto(area.get_absolute_url())
    grants = page.get_by_role("region", name="Grants and payments")
    grants.get_by_role("link", name="Read and accept the offer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Getting Going grant offer")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the offer letter (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith("-v1.pdf")
    assert Path(download.path()).read_bytes()[:4] == b"%PDF"
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role or job title").fill("Chief executive")
    page.get_by_role("button", name="Accept the offer").click()
    # Without the confirmation the acceptance is refused next to the box.
    expect(page.locator("#div_id_confirm, #id_confirm").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("This field is required")
    page.get_by_label(re.compile("I have read this version of the offer letter")).check()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_role("status")).to_contain_text("Grant offer accepted: version 1")
    expect(page.locator("main")).to_contain_text("Priya Shah, Chief executive")
    screenshot(page, "j10_offer_accepted")
    offer.refresh_from_db()
    assert (offer.status, offer.accepted_name, offer.accepted_role) == (
        "accepted",
        "Priya Shah",
        "Chief executive",
    )
    assert offer.accepted_terms_sha256 == offer.terms_sha256
    logout(page)

    # --- Now two people move the money in bulk: pm approves, finance pays. ---------------------
    login(page, "pm")
    page.goto("/grants/finance/?status=scheduled")
    _find_on_list(page, advance.pk).check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator("#bulk-total")).to_contain_text(f"£{advance.amount:,.2f}")
    page.get_by_role("button", name=re.compile(r"^Approve 1 payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 of 1 done")
    advance.refresh_from_db()
    assert advance.status == Payment.Status.APPROVED and advance.approved_by.username == "pm"
    logout(page)

    login(page, "finance")
    page.goto("/grants/finance/?status=approved")
    _find_on_list(page, advance.pk).check()
    page.get_by_role("button", name="Mark selected as paid").click()
    page.get_by_label("Batch reference").fill("BACS-J10")
    page.get_by_role("button", name=re.compile(r"^Mark as paid 1 payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 of 1 done")
    advance.refresh_from_db()
    assert advance.status == Payment.Status.PAID and advance.paid_by.username == "finance"
    logout(page)

    # --- The funder officer reads the budget from the finance pages and the dashboard. ----------
    login(page, "funder")
    page.goto("/grants/rounds/")
    row = page.get_by_role("row").filter(has_text=area.round.name)
    row.get_by_role("link", name="Budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Budget: {area.round.name}")
    years = page.get_by_role("region", name="By financial year (April to March)")
    expect(years.get_by_role("columnheader", name="Committed (awarded)")).to_be_visible()
    expect(years).to_contain_text("All years")
    expect(page.get_by_role("heading", name="Set the round's budget")).to_have_count(0)
    screenshot(page, "j10_budget_page")
    page.goto(f"/reports/dashboard/{area.round.slug}/")
    expect(page.get_by_role("region", name="Budget by financial year")).to_contain_text("Remaining")


def _find_on_list(page, payment_pk):
    """The payment's checkbox on the (paged) finance list, following "Next" until it shows."""
    box = page.locator(f"#select-{payment_pk}")
    for _ in range(20):
        if box.count():
            return box
        page.get_by_role("link", name=re.compile("Next")).first.click()
    raise AssertionError(f"payment {payment_pk} is not on the finance list")
