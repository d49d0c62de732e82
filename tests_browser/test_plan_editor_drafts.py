"""Issue 25 in a real browser: the plan editor keeps what is typed as a draft on the server ("Saved
at 10:42"), offers it back after the page is left without saving, restores it into the form, and
asks before the page is left with changes not saved in the plan (it used to let the Plan
breadcrumb throw an edit away without a word)."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import OperationalPlan, PlanSectionDraft
from plans.tests.factories import PlanFactory, lead_member_of
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plan-drafts-secret-42"
TYPED = "A partnership board with two resident members meets monthly."


@pytest.fixture
def editor(page):
    """The author signed in, on the editor of a saved draft plan; returns the area."""
    area = AreaFactory(round=RoundFactory(), stage=AreaStage.GETTING_GOING)
    PlanFactory(area=area)
    author = lead_member_of(area, username="drafter")
    author.set_password(PASSWORD)
    author.save()
    login(page, "drafter", PASSWORD)
    page.goto(f"/areas/{area.reference}/plan/edit/")
    return area


def _type_governance(page):
    field = page.get_by_label("Governance")
    field.click()
    field.press("Control+a")
    field.press_sequentially(TYPED)
    return field


def test_typed_text_is_kept_offered_back_and_restored(page, editor):
    area = editor
    _type_governance(page)
    footer = page.locator("#id_governance + .field-footer")
    expect(footer.locator(".char-count")).to_have_text(f"{len(TYPED)} / 20,000")
    expect(footer.locator(".draft-status")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    saved_label = footer.locator(".draft-status").inner_text().removeprefix("Saved at ")
    assert PlanSectionDraft.objects.get(area=area, section="governance").text == TYPED
    assert OperationalPlan.objects.get(area=area).governance != TYPED

    # As after a crash: the page is loaded again without the plan being saved.
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    offer = page.locator("#draft-offer")
    expect(offer).to_contain_text(f"You have unsaved changes from {saved_label}")
    expect(offer).to_contain_text("Governance")
    expect(page.get_by_label("Governance")).not_to_have_value(TYPED)
    screenshot(page, "plan_editor_restore_offer")

    offer.get_by_role("link", name="Restore").click()
    expect(page.get_by_label("Governance")).to_have_value(TYPED)
    expect(page.locator("#draft-offer")).to_contain_text("are back in the form")

    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".messages")).to_contain_text("Operational plan saved.")
    assert OperationalPlan.objects.get(area=area).governance == TYPED
    assert not PlanSectionDraft.objects.filter(area=area).exists()


def test_leaving_with_unsaved_changes_asks_first(page, editor):
    area = editor
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    _type_governance(page)
    page.locator(".breadcrumb").get_by_role("link", name="Plan", exact=True).click()
    for _ in range(50):  # the dialog is reported as the navigation starts
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    # Staying keeps the person on the editor with their text.
    assert page.url.endswith(f"/areas/{area.reference}/plan/edit/")
    expect(page.get_by_label("Governance")).to_have_value(TYPED)
    expect(page.locator("[data-save-status]")).to_contain_text("Not saved yet")
    screenshot(page, "plan_editor_unsaved")

    # Saved, the page is left without a question.
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".messages")).to_contain_text("Operational plan saved.")
    assert dialogs == ["beforeunload"]
