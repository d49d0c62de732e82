"""Issue 23's variations in a real browser: the lead organisation asks for more time and to move
£3,000 of its advance into a new instalment next year; the programme manager approves after the
confirmation step; the lead accepts the reissued offer (version 2); the round's budget page counts
the moved money in its new financial year."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.money import pounds
from grants.budgets.selectors import round_budget
from grants.models import Award, GrantOffer, Payment, Variation
from programmes.models import Stage

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_lead_asks_for_time_and_a_money_move_programme_approves_lead_accepts(page, demo_data):
    award = Award.objects.select_related("area", "area__round").get(
        area__reference="R2-041", stage=Stage.GOING_FURTHER
    )
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    assert advance.status == Payment.Status.SCHEDULED and advance.amount == 9000
    new_end = award.ends + datetime.timedelta(days=61)
    due = datetime.date(award.ends.year, 5, 1)
    if due <= award.ends:
        due = datetime.date(award.ends.year + 1, 5, 1)
    fy = due.year if due.month >= 4 else due.year - 1
    fy_label = f"{fy}–{(fy + 1) % 100:02d}"
    # What the year already forecasts (the demo's own approved variation may count there too).
    before = next(
        (r.forecast for r in round_budget(award.area.round).years if r.key == fy), Decimal("0")
    )

    # --- The lead organisation asks, from the award's page. -------------------------------------
    login(page, "lead")
    page.goto(award.get_absolute_url())
    page.get_by_role("link", name="Ask for a variation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a variation")
    page.get_by_label("Why the grant needs to change").fill(
        "The youth club's building work runs late: we need two more months and to pay the "
        "sessional workers next spring."
    )
    page.get_by_label("New date").fill(new_end.isoformat())
    page.get_by_label("Move money from").select_option(index=1)
    page.get_by_label("Amount to move (£)").fill("9000")
    page.locator("#id_move_date").fill(due.isoformat())
    screenshot(page, "j23v_ask_form")
    page.get_by_role("button", name="Send the request").click()
    # Moving the whole advance is refused next to the amount.
    expect(page.locator("#id_move_amount").locator("xpath=..")).to_contain_text(
        "would leave a payment of nothing"
    )
    page.get_by_label("Amount to move (£)").fill("3000")
    page.get_by_role("button", name="Send the request").click()
    expect(flash(page)).to_contain_text("the programme will decide it")
    variation = Variation.objects.get(award=award)
    expect(page.get_by_role("heading", level=1)).to_contain_text(variation.reference)
    expect(page.locator("main")).to_contain_text("Waiting for the programme's decision")
    screenshot(page, "j23v_requested_lead")
    logout(page)

    # --- The programme manager finds it on My work and approves it. ------------------------------
    login(page, "pm")
    page.goto("/my-work/")
    page.get_by_role("link", name=re.compile(f"Decide variation {variation.reference}")).click()
    page.get_by_role("button", name="Approve…").click()
    expect(page.locator("main")).to_contain_text("reissued as version 2")
    screenshot(page, "j23v_approve_confirm")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(flash(page)).to_contain_text("offer reissued")
    expect(page.locator("main")).to_contain_text("Approved")
    variation.refresh_from_db()
    assert variation.status == "approved" and variation.offer.version == 2
    logout(page)

    # --- The lead accepts the reissued offer. ---------------------------------------------------
    login(page, "lead")
    page.goto(variation.get_absolute_url())
    page.get_by_role("link", name="Open the offer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Going Further grant offer")
    expect(page.locator("main")).to_contain_text(f"Variation {variation.reference} approved")
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role or job title").fill("Chief executive")
    page.get_by_label(re.compile("I have read this version of the offer letter")).check()
    page.get_by_role("button", name="Accept the offer").click()
    expect(flash(page)).to_contain_text("Grant offer accepted: version 2")
    offer = GrantOffer.objects.get(award=award, version=2)
    assert offer.status == GrantOffer.Status.ACCEPTED
    advance.refresh_from_db()
    assert advance.amount == 6000
    logout(page)

    # --- The budget page counts the £3,000 in its new financial year. ---------------------------
    login(page, "pm")
    page.goto(f"/grants/rounds/{award.area.round.slug}/budget/")
    row = page.locator("tr", has=page.get_by_role("rowheader", name=fy_label, exact=True)).first
    expect(row).to_contain_text(pounds(before + 3000))
    screenshot(page, "j23v_budget")
