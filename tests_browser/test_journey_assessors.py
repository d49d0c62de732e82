"""Issue 23 in a real browser (GovS 015): the programme manager assigns assessors from the
assessment queue; an assessor who declares a conflict is refused a score and the decision (in
bulk too, with the reason), one who declares none scores; the funder reads the round's
declaration register and its moderation view."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications.models import Application, ConflictDeclaration

from .conftest import flash, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _sign_in(page, username, password="ourplace-demo"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def _alert(page):
    return page.locator(".messages [role=alert]")


def _narrow(page, name):
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}_390")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, name)


def test_a_conflicted_assessor_is_refused_a_score_and_a_clear_one_scores(page, demo_data):
    _sign_in(page, "pm")
    # --- Meadows and Pallion were only submitted: start them, then assign pm to both. ----------
    page.goto("/assessment/?status=submitted")
    page.get_by_label("Select Meadows").check()
    page.get_by_label("Select Pallion").check()
    page.get_by_label("Start assessment").check()
    page.get_by_role("button", name="Apply decision to selected").click()
    expect(flash(page)).to_contain_text("2 now under assessment")
    page.goto("/assessment/?status=under_assessment")
    page.get_by_label("Select Meadows").check()
    page.get_by_label("Select Pallion").check()
    page.locator("#id_assign-assessor").select_option(label="Priya Shah")
    page.get_by_role("button", name="Assign to selected").click()
    expect(flash(page)).to_contain_text("Priya Shah assigned to 2 applications: Meadows, Pallion")

    # --- Meadows: opening it asks for the declaration first; a conflict needs its nature. -------
    meadows = Application.objects.get(area_name="Meadows")
    page.goto(meadows.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare any conflict of interest")
    expect(page.locator("main")).not_to_contain_text(meadows.issues)
    _narrow(page, "j23_declare")
    page.get_by_label("Yes: I have a conflict of interest").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.locator("main")).to_contain_text("Say what the conflict is.")
    page.get_by_label("The nature of the conflict").fill(
        "I live on the same street as the applicant's chair."
    )
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meadows")
    # Refused a score (with the reason) and the decision; the panel says who declared what.
    expect(page.locator("#score-refused")).to_contain_text(
        "You declared a conflict of interest in this application, so you cannot score it."
    )
    expect(page.get_by_role("button", name="Save scores")).to_have_count(0)
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    panel = page.get_by_role("region", name="Assessors and declarations")
    expect(panel).to_contain_text("Priya Shah")
    expect(panel).to_contain_text("I live on the same street")
    _narrow(page, "j23_conflicted_application")
    assert not meadows.scores.exists()

    # --- Pallion: no conflict, so the scores are taken. ----------------------------------------
    pallion = Application.objects.get(area_name="Pallion")
    page.goto(pallion.get_absolute_url())
    page.get_by_label("No: I have no conflict of interest").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(flash(page)).to_contain_text("Recorded: no conflict of interest.")
    for select in page.locator("select[name^=score_]").all():
        select.select_option("4")
    page.get_by_role("button", name="Save scores").click()
    expect(flash(page)).to_contain_text("Scores saved")
    assert pallion.scores.filter(assessor__username="pm").exists()

    # --- A bulk rejection refuses Meadows, with the reason, and goes ahead for the rest. -------
    page.goto("/assessment/?status=under_assessment")
    page.get_by_label("Select Meadows").check()
    page.get_by_label("Select Pallion").check()
    page.get_by_label("Reject").check()
    page.get_by_label("Reasons").fill("Not this round.")
    page.get_by_role("button", name="Apply decision to selected").click()
    page.get_by_role("button", name="Reject 2 applications").click()
    expect(flash(page)).to_contain_text("1 rejected: Pallion")
    expect(_alert(page)).to_contain_text(
        "Meadows: not done. You declared a conflict of interest in this application"
    )
    meadows.refresh_from_db()
    assert meadows.status == "under_assessment"
    logout(page)

    # --- The funder reads the register and the moderation view. -------------------------------
    _sign_in(page, "funder")
    page.goto("/rounds/round-2/declarations/")
    row = page.get_by_role("row").filter(has_text="Meadows")
    expect(row).to_contain_text("Conflict")
    expect(row).to_contain_text("I live on the same street")
    # Canvey Island has a row per assessor (the demo programme manager declared no conflict too).
    canvey = page.get_by_role("row").filter(has_text="Canvey Island")
    expect(canvey.filter(has_text="Joanna Price")).to_contain_text("Conflict")
    _narrow(page, "j23_declaration_register")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert "Meadows" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.get_by_role("link", name="Moderation").click()
    flagged = page.get_by_role("row").filter(has_text="Keyham")
    expect(flagged).to_contain_text("Flagged: scores differ")
    expect(flagged).to_contain_text(re.compile(r"Joanna Price: \d+"))
    _narrow(page, "j23_moderation")
    assert ConflictDeclaration.objects.filter(declaration="conflict").count() >= 3
