"""Issue 23 in a real browser: a programme manager starts closing R2-057's grant; its lead
organisation submits the final report; the programme manager accepts it, records £500 of the
Getting Going grant unspent and to be returned, records the £500 received and closes the grant;
the area then shows "Completed"."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from core.testing import today
from grants.models import Payment
from grants.payment_moves import payment_cancel
from grants.workflows import PAYABLE_STATUSES
from programmes.models import Area

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_lead_reports_the_programme_reconciles_and_closes_the_grant(page, demo_data):
    area = Area.objects.get(reference="R2-057")
    pm = User.objects.get(username="pm")
    # Money still on its way is cancelled first (the finance pages' own journey covers that).
    for payment in Payment.objects.filter(award__area=area, status__in=PAYABLE_STATUSES):
        payment_cancel(payment=payment, actor=pm, reason="The area's work is done.")
    closure_url = reverse("closure:area_closure", args=[area.reference])

    # --- The programme manager starts closing the grant. ---------------------------------------
    login(page, "pm")
    page.goto(closure_url)
    page.get_by_role("button", name="Start closing the grant").click()
    expect(flash(page)).to_contain_text("Closure started")
    expect(page.get_by_text("The final report has not been accepted yet.")).to_be_visible()
    logout(page)

    # --- The lead organisation writes and submits the final report. ----------------------------
    login(page, "lead2")
    page.goto(closure_url)
    page.get_by_role("link", name="Open the final report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Final report")
    page.get_by_role("radio", name="On schedule").check()
    # The enablers' list (the obstacles' list, above it, has the same factors).
    page.get_by_role("group", name="If you are on schedule or ahead").get_by_role(
        "checkbox", name="Commitment of residents and volunteers"
    ).check()
    page.get_by_label("Outcomes achieved against the plan").fill("The advice hub runs weekly.")
    page.get_by_label("Grant money spent (£)").fill("8500")
    page.get_by_label("Lessons learned").fill("Start the partnership board earlier.")
    screenshot(page, "closure-final-report")
    page.get_by_role("button", name="Submit the return").click()
    expect(flash(page)).to_contain_text("Return submitted")
    logout(page)

    # --- The programme manager accepts it, reconciles, receives the £500 and closes. ----------
    login(page, "pm")
    page.goto(closure_url)
    page.get_by_role("link", name="Open the final report").click()
    page.get_by_role("button", name="Accept the return").click()
    page.goto(closure_url)
    ready = page.locator(".card", has_text="Getting Ready award")
    ready.get_by_label("Spent of this award (£)").fill("0")
    ready.get_by_role("button", name="Save the reconciliation").click()
    expect(flash(page)).to_contain_text("Award reconciled")
    going = page.locator(".card", has_text="Getting Going award")
    going.get_by_label("Spent of this award (£)").fill("8500")
    going.get_by_label("Unspent money to be returned by").fill(today().isoformat())
    going.get_by_role("button", name="Save the reconciliation").click()
    expect(flash(page)).to_contain_text("Award reconciled")
    going = page.locator(".card", has_text="Getting Going award")
    expect(going).to_contain_text("£500.00 to be returned")
    screenshot(page, "closure-to-return")
    going.get_by_label("Amount received (£)").fill("500")
    going.get_by_label("Received on").fill(today().isoformat())
    going.get_by_role("button", name="Record money received").click()
    expect(flash(page)).to_contain_text("Money received recorded")
    page.get_by_role("button", name="Close the grant").click()
    # The confirmation step says what closing does before anything happens.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm: close")
    expect(page.get_by_text("read-only")).to_be_visible()
    screenshot(page, "closure-confirm")
    page.get_by_role("button", name="Close the grant").click()
    expect(flash(page)).to_contain_text("Grant closed")
    expect(page.get_by_text("Completed").first).to_be_visible()
    screenshot(page, "closure-closed")
    page.goto(area.get_absolute_url())
    expect(page.get_by_text("Completed").first).to_be_visible()
    area.refresh_from_db()
    assert area.status == "completed"
