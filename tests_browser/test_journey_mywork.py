"""Issue 14 in a real browser: each person signs in to "My work", does the day's main task from
it and sees the item leave the list. The programme manager signs a plan, which asks the funder
to co-sign; the funder finds it on My work and in the notifications, co-signs, and both the item
and the notification are gone. A lead organisation accepts its grant offer from My work; a
finance officer marks a payment paid from it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from activity.models import Notification
from core.mywork import work_for
from plans.models import OperationalPlan
from plans.workflows import PlanStatus

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _confirm(page):
    """The confirmation step before an irreversible action (core/confirm.py): it says nothing has
    been done yet; its button does it."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm:", timeout=30_000)
    expect(page.locator("#confirm-pending")).to_contain_text("Nothing has been done yet")
    page.locator('button[name="confirm"]').click()


def _group(page, heading):
    return page.locator("section.mywork-group").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{re.escape(heading)}"))
    )


def _menu_count(page):
    """The count the menu loads after the page (htmx)."""
    link = page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile(r"^My work")
    )
    expect(link.locator(".nav-count .badge")).to_be_visible()
    return int(re.search(r"\d+", link.locator(".nav-count .badge").inner_text()).group())


def _nav(page, label):
    return page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile(rf"^{label}")
    )


def _open_item(page, heading, text):
    _group(page, heading).get_by_role("link", name=re.compile(re.escape(text))).first.click()


def test_each_role_starts_on_my_work_and_clears_an_item(page, demo_data, eager_tasks):
    plan = (
        OperationalPlan.objects.filter(status=PlanStatus.UNDER_REVIEW)
        .select_related("area")
        .order_by("area__reference")
        .first()
    )
    area = plan.area
    label = f"{area.reference} {area.name}"

    # --- The programme manager signs a plan from My work. -----------------------------------
    login(page, "pm")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    assert page.url.endswith(reverse("mywork"))
    pm_count = _menu_count(page)
    screenshot(page, "j14_pm_my_work")
    expect(_group(page, "Plans to review or sign")).to_contain_text(label)
    _open_item(page, "Plans to review or sign", label)
    expect(page).to_have_url(re.compile(f"/areas/{area.reference}/plan/review/"))
    page.get_by_role("button", name="Approve and sign off").click()
    _confirm(page)
    expect(page.get_by_role("status")).to_contain_text(
        "Your signature is recorded.", timeout=30_000
    )
    _nav(page, "My work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator("main")).not_to_contain_text(label)
    assert _menu_count(page) == pm_count - 1
    logout(page)

    # --- The funder is asked to co-sign: on My work and in the notifications. ---------------
    request = Notification.objects.get(
        recipient__username="funder",
        entry__verb="plan.signed",
        entry__target_id=str(plan.pk),
    )
    assert request.resolved_at is None
    login(page, "funder")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(_group(page, "Plans to co-sign")).to_contain_text(label)
    screenshot(page, "j14_funder_my_work")
    _nav(page, "Notifications").click()
    inbox = page.locator("#notification-list")
    mine = inbox.locator("li").filter(has_text=request.entry.summary).filter(has_text=area.name)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("New")
    screenshot(page, "j14_funder_notifications")

    _nav(page, "My work").click()
    _open_item(page, "Plans to co-sign", label)
    expect(page).to_have_url(re.compile(f"/areas/{area.reference}/plan/review/"))
    expect(page.get_by_role("button", name="Sign off for the funder")).to_be_visible()
    # Opening the item reads its notification.
    request.refresh_from_db()
    assert request.read_at is not None
    page.get_by_role("button", name="Sign off for the funder").click()
    _confirm(page)
    # Signing off moves the area and releases money: give a busy machine time.
    expect(page.get_by_role("status")).to_contain_text(
        "the area is now in implementation", timeout=30_000
    )

    _nav(page, "My work").click()
    expect(page.locator("main")).not_to_contain_text(label)
    _nav(page, "Notifications").click()
    expect(
        page.locator("#notification-list li")
        .filter(has_text=area.name)
        .filter(has_text=request.entry.summary)
    ).to_have_count(0)
    request.refresh_from_db()
    assert request.resolved_at is not None
    screenshot(page, "j14_funder_after_signing")
    logout(page)

    # --- The lead organisation accepts its grant offer from My work. ------------------------
    login(page, "lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    offers = _group(page, "Grant offers to accept")
    expect(offers).to_be_visible()
    expect(page.locator("main")).to_contain_text("What you are waiting for")
    screenshot(page, "j14_lead_my_work")
    offers.get_by_role("link").first.click()
    page.get_by_label("Your full name").fill("Priya Shah")
    page.get_by_label("Your role or job title").fill("Chief executive")
    page.get_by_label(re.compile("I have read this version of the offer letter")).check()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_role("status")).to_contain_text("Grant offer accepted", timeout=30_000)
    _nav(page, "My work").click()
    expect(page.get_by_role("heading", name=re.compile("^Grant offers to accept"))).to_have_count(0)
    logout(page)

    # --- Finance marks a payment paid from My work. -----------------------------------------
    from accounts.models import User
    from grants import selectors as grant_selectors

    finance = User.objects.get(username="finance")
    to_pay = next(g for g in work_for(finance) if g.heading == "Payments to mark paid")
    payment = (
        grant_selectors.payable_now(user=finance)
        .filter(grant_selectors.awaiting_payment_by(finance))
        .first()
    )
    login(page, "finance")
    group = _group(page, "Payments to mark paid")
    expect(group.get_by_role("heading")).to_contain_text(str(to_pay.total))
    group.get_by_role("link", name=to_pay.items[0].title).click()
    action = reverse("grants:payment_pay", args=[payment.pk])
    details = page.locator("details").filter(has=page.locator(f'form[action="{action}"]'))
    details.locator("summary").click()
    details.get_by_role("button", name="Confirm payment").click()
    _confirm(page)
    expect(page.get_by_role("status").first).to_contain_text("paid", timeout=30_000)
    _nav(page, "My work").click()
    expect(_group(page, "Payments to mark paid").get_by_role("heading")).to_contain_text(
        str(to_pay.total - 1)
    )
    screenshot(page, "j14_finance_my_work")

    # --- On a phone neither page scrolls sideways. ------------------------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (
        reverse("mywork"),
        reverse("activity:notifications"),
        reverse("activity:preferences"),
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto(reverse("mywork"))
    screenshot(page, "j14_finance_my_work_phone")
