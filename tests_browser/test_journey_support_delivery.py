"""Issue 5 in a real browser: the relationship manager logs a visit with a risk and a follow-up
and books adviser days from the advisers' list (planned, not used; one booking refused; the
planned one changed, then cancelled); a signed-off area's lead organisation submits a progress
return and records funding secured; the relationship manager asks for changes to the return,
the lead answers and resubmits, and the programme manager accepts it (issue 14); the programme
manager compares planned with secured funding and the CBA forecast with its outturn."""

import datetime
import re

import pytest
from django.db.models import Sum
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from core.testing import today
from delivery.models import FundingRecord, ProgressReturn
from programmes.models import Area, AreaStage
from support.models import AdviserDay, SupportContact

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEAD_PASSWORD = "thetford-lead-secret-42"


def _status(page):
    return flash(page)


def test_rm_logs_support_and_the_area_reports_delivery(page, demo_data):
    rm = User.objects.get(username="rm")
    day = today()
    # An area with a CBA and a return it can send now (its period over); the next one is not
    # open yet. (In the demo that is R2-061.)
    area = (
        Area.objects.filter(
            stage=AreaStage.IMPLEMENTATION,
            round__slug="round-2",
            assignments__user=rm,
            progress_returns__status="draft",
            progress_returns__period_end__lt=day,
            cba__isnull=False,
        )
        .distinct()
        .order_by("reference")
        .first()
    )
    # The demo's contact for this lead organisation has no password: give them one to sign in.
    lead = User.objects.filter(memberships__organisation=area.lead_organisation).first()
    lead.set_password(LEAD_PASSWORD)
    lead.save()

    # --- The relationship manager logs a visit with a medium risk and a follow-up. -----------
    login(page, "rm")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    page.goto(area.get_absolute_url())
    page.get_by_role("link", name="Log contact").first.click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Type of contact").select_option(label="Visit")
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Participants").fill("Chair of the partnership board; project lead")
    page.get_by_label("Notes").fill("Walked the estate with the board chair; recruitment is slow.")
    page.get_by_role("radio", name="Medium").check()
    page.get_by_label("What is the risk?").fill("The youth worker post is still vacant.")
    page.locator("[name=followups-0-action]").fill("Send the job description template")
    page.locator("[name=followups-0-due_on]").fill((day + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Log contact").click()
    expect(_status(page)).to_contain_text(f"Contact with {area.name} logged.")
    contact = SupportContact.objects.get(area=area, date=day, kind="visit")
    assert contact.risk_level == "medium"
    screenshot(page, "j5_contact_logged")

    # --- Adviser days: a booking from the advisers' list is planned (not used); one beyond
    # the entitlement is refused; the planned one is changed, then cancelled. -----------------
    page.goto(f"/support/areas/{area.reference}/adviser-days/")
    page.get_by_role("combobox", name=re.compile("^Adviser")).select_option(label="Anita Patel")
    page.get_by_label("Date", exact=False).first.fill(
        (day + datetime.timedelta(days=10)).isoformat()
    )
    page.get_by_label("Days").fill("5")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(_status(page)).to_contain_text("days with Anita Patel planned for")
    booking = AdviserDay.objects.get(area=area, status="planned", days=5)
    planned = page.get_by_role("table", name="Planned adviser days, soonest first")
    expect(planned).to_contain_text("Anita Patel")
    expect(page.locator(".stat-card").filter(has_text="Planned")).to_contain_text("5")
    # In the future: planned, so no "Mark delivered" yet.
    expect(planned.get_by_role("button", name=re.compile("Mark delivered"))).to_have_count(0)
    page.get_by_role("combobox", name=re.compile("^Adviser")).select_option(label="Anita Patel")
    page.get_by_label("Date", exact=False).first.fill(
        (day + datetime.timedelta(days=20)).isoformat()
    )
    page.get_by_label("Days").fill("2")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.locator("main")).to_contain_text(
        re.compile(r"-day entitlement \(delivered and planned\); ask a programme")
    )
    expect(page.get_by_label("Days")).to_have_class(re.compile("is-invalid"))
    screenshot(page, "j5_adviser_days_refused")
    when = f"{booking.date:%-d %b %Y}"
    page.get_by_role("link", name=f"Change Anita Patel {when}").click()
    page.get_by_label("Days").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(_status(page)).to_contain_text("Booking changed.")
    booking.refresh_from_db()
    assert booking.days == 4
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Cancel booking Anita Patel {when}").click()
    expect(_status(page)).to_contain_text("cancelled")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    screenshot(page, "j5_adviser_days_cancelled")

    # --- "My areas" shows the contact, the risk and the follow-up. ---------------------------
    page.goto(reverse("support:my_areas"))
    row = page.get_by_role("row").filter(has_text=area.reference)
    if not row.count():
        page.get_by_label(re.compile("open risks", re.I)).first.check()
        page.get_by_role("button", name="Apply filters").click()
    row = page.get_by_role("row").filter(has_text=area.reference)
    expect(row).to_be_visible()
    cells = row.get_by_role("cell")
    # Area, stage, early warning, next step, then the support columns.
    expect(cells.nth(4)).to_have_text("0")  # days since contact
    expect(cells.nth(5)).not_to_have_text("0")  # open risks
    expect(cells.nth(6)).not_to_have_text("0")  # open follow-ups
    screenshot(page, "j5_rm_start_page")
    page.goto("/support/follow-ups/")
    expect(page.locator("main")).to_contain_text("Send the job description template")
    logout(page)

    # --- The area's lead organisation submits a progress return and records funding. --------
    login(page, lead.username, LEAD_PASSWORD)
    page.goto(f"/delivery/areas/{area.reference}/returns/")
    # Soonest first: the oldest return still to fill in is the first one; later ones say when
    # they open for submission.
    expect(page.locator("main")).to_contain_text("opens")
    page.get_by_role("link", name=re.compile(r"^Fill in")).first.click()
    page.get_by_role("radio", name="On schedule").check()
    # The demo may have started this draft as "behind": on schedule takes enablers instead.
    for box in page.locator("[name=obstacles]:checked").all():
        box.uncheck()
    page.locator("[name=other_obstacle]").fill("")
    page.locator("[name=enablers]").nth(3).check()  # commitment of statutory partners
    page.get_by_label("Main achievements").fill("The board met twice; 40 residents took part.")
    page.get_by_label("A steering group or partnership board meets regularly").check()
    page.get_by_label("Service users reached this period").fill("40")
    page.get_by_role("button", name="Submit the return").click()
    expect(_status(page)).to_contain_text("Return submitted. Thank you.")
    screenshot(page, "j5_return_submitted")
    sent = ProgressReturn.objects.get(area=area, achievements__startswith="The board met twice")
    assert sent.status == "submitted"
    return_url = f"/delivery/returns/{sent.pk}/"

    page.goto(f"/delivery/areas/{area.reference}/funding/")
    before = FundingRecord.objects.filter(area=area).count()
    page.get_by_role("combobox", name="Source").select_option(label="Other local authority money")
    page.get_by_label("Financial year starting").fill(str(day.year))
    page.get_by_label("Budget arrangement").select_option(label="Pooled")
    page.get_by_label("Amount secured").fill("5000")
    page.locator("[name=funder_name]").fill("Thetford Town Council")
    page.get_by_role("button", name="Record").click()
    expect(_status(page)).to_contain_text("Funding secured recorded.")
    assert FundingRecord.objects.filter(area=area).count() == before + 1
    logout(page)

    # --- Review: the relationship manager asks for changes on one section. ----------------
    login(page, "rm")
    page.goto(return_url)
    expect(page.get_by_role("heading", name="Review this return")).to_be_visible()
    # The comment box is beside the section it concerns (issue 25), folded until opened.
    achievements = page.locator("#section-achievements")
    achievements.locator("summary", has_text="Comment on this section").click()
    achievements.get_by_label("Main achievements: what should change").fill(
        "Which of the 40 residents were new to the project?"
    )
    screenshot(page, "j5_review_comment_inline")
    page.get_by_role("button", name="Ask for changes").click()
    expect(_status(page)).to_contain_text("Changes requested.")
    sent.refresh_from_db()
    assert sent.status == "changes_requested"
    logout(page)

    # --- The lead sees the comment on the return, answers it and resubmits. -----------------
    login(page, lead.username, LEAD_PASSWORD)
    page.goto(f"/delivery/areas/{area.reference}/returns/")
    page.get_by_role("link", name=re.compile(r"^Answer the comments")).first.click()
    expect(page.locator("main")).to_contain_text("Which of the 40 residents were new")
    # The comment and its answer box sit just above the field it concerns.
    comment = page.locator(".return-comment", has_text="Which of the 40 residents were new")
    expect(comment).to_have_count(1)
    assert (
        comment.bounding_box()["y"]
        < page.get_by_label("Main achievements", exact=True).bounding_box()["y"]
    )
    assert (
        page.get_by_label("Milestones met this period", exact=True).bounding_box()["y"]
        < comment.bounding_box()["y"]
    )
    comment.get_by_label("Your answer on main achievements").fill(
        "25 of them were new this quarter."
    )
    screenshot(page, "j5_return_comment_inline")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "j5_return_comment_inline_390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Resubmit the return").click()
    expect(_status(page)).to_contain_text("Return submitted. Thank you.")
    sent.refresh_from_db()
    assert sent.status == "submitted"
    screenshot(page, "j5_return_resubmitted")
    logout(page)

    # --- The programme manager reads the answer and accepts the return. ---------------------
    login(page, "pm")
    page.goto(return_url)
    expect(page.locator("main")).to_contain_text("25 of them were new this quarter.")
    page.get_by_role("button", name="Accept the return").click()
    expect(_status(page)).to_contain_text("Return accepted.")
    sent.refresh_from_db()
    assert sent.status == "accepted"
    screenshot(page, "j5_return_accepted")
    logout(page)

    # --- The programme manager compares planned with secured, and forecast with outturn. ------
    login(page, "pm")
    page.goto(area.get_absolute_url())
    # The delivery panel arrives after the page (htmx) and its chart is drawn then.
    delivery = page.get_by_role("region", name="Delivery", exact=True)
    expect(delivery).to_contain_text("Funding planned and secured")
    expect(delivery.locator("canvas[data-funding-chart]")).to_have_attribute("data-drawn", "true")
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
