"""Issue 25 in a real browser: a stage-gate confirmation never shows an amount the decision
service would refuse, and Send message double-clicked sends one message (and never an empty form
that answers "This field is required.")."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from applications.models import GateStage, GateStatus
from applications.tests.factories import GateFactory
from grants.models import Award
from messaging.models import Message
from plans.tests.factories import lead_member_of
from programmes.tests.factories import AreaFactory

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's


def _record_decision(page):
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()


def _effects(page) -> str:
    return page.locator("main").inner_text()


def test_the_gate_confirmation_never_shows_an_impossible_amount(page):
    UserFactory(username="pm", programme_manager=True)
    fixed = GateFactory(submitted=True)
    top_up = GateFactory(
        submitted=True, target_stage=GateStage.GOING_FURTHER, amount_requested=Decimal("7500")
    )
    login(page, "pm", PASSWORD)

    # A fixed grant is shown, not typed; an amount slipped into the form anyway is not believed.
    page.goto(fixed.get_absolute_url())
    decide = page.get_by_role("region", name="Decide")
    expect(decide).to_contain_text("The Getting Going grant is fixed: £10,000.00")
    expect(decide.locator("input[name=amount]")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "gate_decide_fixed_390")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "gate_decide_fixed_1366")
    decide.get_by_label("Approve", exact=True).check()
    page.evaluate(
        """() => {
            const form = document.querySelector("form[action$='/decide/']");
            const amount = document.createElement("input");
            amount.name = "amount"; amount.value = "999999";
            form.appendChild(amount);
        }"""
    )
    _record_decision(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm: approve")
    said = _effects(page)
    assert "Getting Going grant of £10,000.00" in said
    assert "999,999" not in said and "899,999" not in said
    screenshot(page, "gate_confirm_fixed_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "gate_confirm_fixed_390")
    page.set_viewport_size({"width": 1366, "height": 900})

    # A top-up's amount must sit in its range: refused by the field, before any confirmation.
    page.goto(top_up.get_absolute_url())
    for typed in ("999999", "-500"):
        decide = page.get_by_role("region", name="Decide")
        decide.get_by_label("Approve", exact=True).check()
        decide.get_by_label("Amount approved (£)").fill(typed)
        _record_decision(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Going Further application")
        amount = page.get_by_role("region", name="Decide").get_by_label("Amount approved (£)")
        expect(amount).to_have_value(typed)
        expect(amount).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("region", name="Decide")).to_contain_text(
            "The Going Further grant is between £5,000.00 and £20,000.00."
        )
    screenshot(page, "gate_decide_top_up_refused_1366")
    assert not Award.objects.exists()

    decide = page.get_by_role("region", name="Decide")
    decide.get_by_label("Approve", exact=True).check()
    decide.get_by_label("Amount approved (£)").fill("12500")
    _record_decision(page)
    assert "Going Further grant of £12,500.00" in _effects(page)
    page.get_by_role("button", name="Approve the Going Further application").click()
    expect(page.locator(".messages")).to_contain_text("Going Further approved.")
    top_up.refresh_from_db()
    assert top_up.status == GateStatus.APPROVED
    assert Award.objects.get(area=top_up.area).amount == Decimal("12500.00")

    # Withdraw sits apart from the decision, below it, behind its own disclosure.
    other = GateFactory(submitted=True)
    page.goto(other.get_absolute_url())
    withdraw = page.get_by_role("region", name="Other actions")
    expect(withdraw.get_by_role("button", name="Withdraw this application")).to_be_hidden()
    decide_box = page.get_by_role("region", name="Decide").bounding_box()
    assert withdraw.bounding_box()["y"] > decide_box["y"] + decide_box["height"]


def _send_button(page):
    button = page.get_by_role("button", name="Send message")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_send_message_double_clicked_sends_once(page):
    area = AreaFactory()
    lead_member_of(area, username="writer")
    login(page, "writer", PASSWORD)
    page.goto(f"/areas/{area.reference}/messages/")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    # Both clicks while the page is still there.
    page.locator("#id_message-body").fill("When is the plan due?")
    _send_button(page)
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    expect(page.locator(".messages")).to_contain_text("Message sent.")
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1
    assert Message.objects.filter(area=area).count() == 1

    # The second click lands on the next page's button, once that page has loaded.
    posts.clear()
    page.locator("#id_message-body").fill("And who reviews it?")
    _send_button(page)
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    expect(page.locator("li.message")).to_have_count(2)
    _send_button(page)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    page.wait_for_timeout(500)
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).not_to_contain_text("This field is required.")
    assert len(posts) == 1
    assert list(Message.objects.filter(area=area).values_list("body", flat=True)) == [
        "When is the plan due?",
        "And who reviews it?",
    ]
    screenshot(page, "messages_sent_once")
