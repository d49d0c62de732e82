"""Bank details with fraud controls in a real browser (issue 23): the lead organisation changes
its bank details (a bad sort code is refused beside its field); the organisation's approved
payment is then held, and refused with the reason when finance tries to pay it; a finance officer
who did not enter the change finds it on My work, calls back and confirms it with the call-back
recorded; the finance list flags the payment as going to a changed account, finance pays it, and
the payment records the account it was paid into."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activity.models import ActivityEntry
from banking.models import BankAccount
from grants.models import Payment

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_bank_change_is_held_confirmed_by_a_second_person_then_paid(page, demo_data):
    # An approved payment (approved by pm) of an organisation the demo lead belongs to.
    payment = (
        Payment.objects.filter(
            status=Payment.Status.APPROVED,
            award__status="live",
            award__area__lead_organisation__memberships__user__username="lead",
        )
        .exclude(approved_by__username="finance")
        .select_related("award__area__lead_organisation")
        .order_by("pk")
        .first()
    )
    assert payment is not None
    org = payment.award.area.lead_organisation
    old = BankAccount.objects.get(organisation=org, status="confirmed")

    # The lead organisation changes its bank details from its organisation page.
    login(page, "lead")
    page.goto(f"/organisations/{org.pk}/")
    page.get_by_role("link", name="Bank details").click()
    page.get_by_role("link", name="Change bank details").click()
    page.get_by_label("Name on the account").fill(f"{org.name} Grants Account")
    page.get_by_label("Sort code").fill("12-34-5")
    page.get_by_label("Account number").fill("1234 5678")
    page.get_by_role("button", name="Save bank details").click()
    expect(page.locator("#div_id_sort_code")).to_contain_text(
        "Enter a sort code of 6 digits, like 12-34-56."
    )
    page.get_by_label("Sort code").fill("12 34 56")
    page.get_by_role("button", name="Save bank details").click()
    expect(flash(page)).to_contain_text("payments are held until then")
    pending = page.get_by_role("region", name="Change awaiting confirmation")
    expect(pending).to_contain_text("12-34-56")
    expect(pending).to_contain_text("****5678")
    expect(pending).not_to_contain_text("12345678")
    expect(page.locator(".alert-warning")).to_contain_text("Payments are held.")
    screenshot(page, "bank_change_held")
    logout(page)

    # Finance cannot pay it: the payment to an unconfirmed account is refused, with the reason.
    login(page, "finance")
    page.goto("/grants/finance/?status=approved")
    row = page.get_by_role("row").filter(has=page.locator(f"#select-{payment.pk}"))
    expect(row).to_contain_text("Held: bank change awaiting confirmation")
    page.locator(f"#select-{payment.pk}").check()
    page.get_by_role("button", name="Mark selected as paid").click()
    refused = page.locator("section", has=page.locator("#bulk-refused"))
    expect(refused).to_contain_text("Payment to an unconfirmed account")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED

    # My work: the change awaits this finance officer's confirmation (they did not enter it).
    page.goto("/my-work/")
    page.get_by_role("link", name=re.compile(rf"Call back {re.escape(org.name)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm bank details")
    page.get_by_role("button", name="Confirm bank details").click()
    expect(page.locator("#div_id_callback_contact")).to_contain_text("This field is required.")
    called = timezone.localtime() - datetime.timedelta(hours=1)
    page.get_by_label("Person called").fill("Sarah Whitfield, chief officer")
    page.get_by_label("Number called").fill("0113 496 0001")
    page.get_by_label("When you called").fill(called.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Call-back note").fill("Read back the new sort code and account number.")
    page.get_by_role("button", name="Confirm bank details").click()
    effects = page.get_by_role("region", name="What will happen when you confirm")
    expect(effects).to_contain_text(f"instead of {old.masked_number}")
    screenshot(page, "bank_change_confirm")
    page.get_by_role("button", name="Confirm bank details").click()
    expect(flash(page)).to_contain_text(f"{org.name}'s bank details confirmed.")
    current = page.get_by_role("region", name="Account paid into")
    expect(current).to_contain_text("Sarah Whitfield, chief officer on 0113 496 0001")

    # A finance officer may see the full number; the look is recorded.
    current.get_by_role("button", name="Show full number").click()
    expect(page.get_by_test_id("full-number")).to_have_text("12345678")
    new = BankAccount.objects.get(organisation=org, status="confirmed")
    assert ActivityEntry.objects.filter(
        verb="bank_account.viewed", target_id=str(new.pk), actor__username="finance"
    ).exists()

    # The finance list flags the payment as going to a changed account; finance pays it.
    page.goto("/grants/finance/?status=approved&bank=changed")
    row = page.get_by_role("row").filter(has=page.locator(f"#select-{payment.pk}"))
    expect(row).to_contain_text("Account changed")
    expect(row).to_contain_text("****5678")
    screenshot(page, "bank_change_flagged")
    page.locator(f"#select-{payment.pk}").check()
    page.get_by_role("button", name="Mark selected as paid").click()
    page.get_by_label("Batch reference").fill("BACS-BANK-1")
    page.get_by_role("button", name=re.compile(r"^Mark as paid 1 payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 of 1 done")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_to == new and new.account_number == "12345678"
    old.refresh_from_db()
    assert old.status == BankAccount.Status.SUPERSEDED
