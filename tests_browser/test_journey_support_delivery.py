"""Issue 5 in a real browser: the relationship manager logs a visit with a risk and a follow-up
and books adviser days (one booking refused); a signed-off area's lead organisation submits a
progress return and records funding secured; the programme manager compares planned with
secured funding and the CBA forecast with its outturn."""

import datetime
import re

import pytest
from django.db.models import Sum
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from delivery.models import FundingRecord, ProgressReturn
from programmes.models import Area, AreaStage
from support.models import SupportContact

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEAD_PASSWORD = "thetford-lead-secret-42"


def _status(page):
    return page.get_by_role("status")


def test_rm_logs_support_and_the_area_reports_delivery(page, demo_data):
    rm = User.objects.get(username="rm")
    area = (
        Area.objects.filter(
            stage=AreaStage.IMPLEMENTATION,
            round__slug="round-2",
            assignments__user=rm,
        )
        .order_by("reference")
        .first()
    )
    # The demo's contact for this lead organisation has no password: give them one to sign in.
    lead = User.objects.filter(memberships__organisation=area.lead_organisation).first()
    lead.set_password(LEAD_PASSWORD)
    lead.save()
    today = datetime.date.today()

    # --- The relationship manager logs a visit with a medium risk and a follow-up. -----------
    login(page, "rm")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    page.goto(area.get_absolute_url())
    page.get_by_role("link", name="Log contact").first.click()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Type of contact").select_option(label="Visit")
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Participants").fill("Chair of the partnership board; project lead")
    page.get_by_label("Notes").fill("Walked the estate with the board chair; recruitment is slow.")
    page.get_by_role("radio", name="Medium").check()
    page.get_by_label("What is the risk?").fill("The youth worker post is still vacant.")
    page.locator("[name=followups-0-action]").fill("Send the job description template")
    page.locator("[name=followups-0-due_on]").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Log contact").click()
    expect(_status(page)).to_contain_text(f"Contact with {area.name} logged.")
    contact = SupportContact.objects.get(area=area, date=today, kind="visit")
    assert contact.risk_level == "medium"
    screenshot(page, "j5_contact_logged")

    # --- Adviser days: one booking goes ahead, one beyond the entitlement is refused. --------
    page.goto(f"/support/areas/{area.reference}/adviser-days/")
    page.get_by_label("Adviser name").fill("Jo Adviser")
    page.get_by_label("Date", exact=False).first.fill(
        (today + datetime.timedelta(days=10)).isoformat()
    )
    page.get_by_label("Days").fill("5")
    page.get_by_role("button", name="Book").click()
    expect(_status(page)).to_contain_text("days with Jo Adviser booked.")
    page.get_by_label("Adviser name").fill("Jo Adviser")
    page.get_by_label("Date", exact=False).first.fill(
        (today + datetime.timedelta(days=20)).isoformat()
    )
    page.get_by_label("Days").fill("2")
    page.get_by_role("button", name="Book").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"-day entitlement; ask a programme"))
    expect(page.get_by_label("Days")).to_have_class(re.compile("is-invalid"))
    screenshot(page, "j5_adviser_days_refused")

    # --- "My areas" shows the contact, the risk and the follow-up. ---------------------------
    page.goto(reverse("support:my_areas"))
    row = page.get_by_role("row").filter(has_text=area.reference)
    if not row.count():
        page.get_by_label(re.compile("open risks", re.I)).first.check()
        page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row").filter(has_text=area.reference)
    expect(row).to_be_visible()
    cells = row.get_by_role("cell")
    expect(cells.nth(3)).to_have_text("0")  # days since contact
    expect(cells.nth(4)).not_to_have_text("0")  # open risks
    expect(cells.nth(5)).not_to_have_text("0")  # open follow-ups
    screenshot(page, "j5_rm_start_page")
    page.goto("/support/follow-ups/")
    expect(page.locator("main")).to_contain_text("Send the job description template")
    logout(page)

    # --- The area's lead organisation submits a progress return and records funding. --------
    login(page, lead.username, LEAD_PASSWORD)
    page.goto(f"/delivery/areas/{area.reference}/returns/")
    page.get_by_role("link", name=re.compile(r"^Fill in")).last.click()
    page.get_by_role("radio", name="On schedule").check()
    page.locator("[name=enablers]").nth(3).check()  # commitment of statutory partners
    page.get_by_label("Main achievements").fill("The board met twice; 40 residents took part.")
    page.get_by_label("A steering group or partnership board meets regularly").check()
    page.get_by_label("Service users reached this period").fill("40")
    page.get_by_role("button", name="Submit the return").click()
    expect(_status(page)).to_contain_text("Return submitted. Thank you.")
    screenshot(page, "j5_return_submitted")
    assert ProgressReturn.objects.filter(area=area, status="submitted").count() >= 1

    page.goto(f"/delivery/areas/{area.reference}/funding/")
    before = FundingRecord.objects.filter(area=area).count()
    page.get_by_role("combobox", name="Source").select_option(label="Other local authority money")
    page.get_by_label("Financial year starting").fill(str(today.year))
    page.get_by_label("Budget arrangement").select_option(label="Pooled")
    page.get_by_label("Amount secured").fill("5000")
    page.locator("[name=funder_name]").fill("Thetford Town Council")
    page.get_by_role("button", name="Record").click()
    expect(_status(page)).to_contain_text("Funding secured recorded.")
    assert FundingRecord.objects.filter(area=area).count() == before + 1
    logout(page)

    # --- The programme manager compares planned with secured, and forecast with outturn. ------
    login(page, "pm")
    page.goto(area.get_absolute_url())
    page.goto(f"/delivery/areas/{area.reference}/funding/")
    secured = FundingRecord.objects.filter(area=area).aggregate(total=Sum("amount"))["total"]
    table = page.get_by_role("table").first
    other_la = table.get_by_role("row").filter(has_text="Other local authority money: all years")
    expect(other_la).to_contain_text("£0.00")
    expect(other_la).to_contain_text("£5,000.00")
    expect(other_la).to_contain_text("more than planned")
    expect(table.get_by_role("row").filter(has_text="Total")).to_contain_text(f"£{secured:,.2f}")
    screenshot(page, "j5_pm_funding")
    page.get_by_role("link", name="CBA outturn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("forecast and outturn")
    totals = page.get_by_role("table").first
    expect(totals.get_by_role("row").filter(has_text="Benefit-cost ratio")).to_contain_text(".")
    expect(totals.get_by_role("row").filter(has_text="Net present value")).to_contain_text("£")
    screenshot(page, "j5_pm_outturn")
