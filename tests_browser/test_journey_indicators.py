"""Issue 24, outcome indicators, in a real browser: a lead adds three indicators to the draft
plan, the plan is signed off (the indicators frozen in the version signed), two progress returns
report values with notes, the reviewer sees the trend, and the area page shows each indicator's
chart and its status in words."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from core.testing import today
from delivery import services as delivery_services
from delivery.models import IndicatorValue
from plans import services as plan_services
from plans.indicators import OutcomeIndicator
from plans.models import OperationalPlan
from programmes.models import Area, AreaStage

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = datetime.timedelta(days=1)

# name, unit, direction, baseline, target, how it is measured; the logic model row is the first.
INDICATORS = [
    ("Residents supported into work", "count", "higher", "0", "60", "Job starts, checked monthly"),
    ("Residents who feel they have a say", "percentage", "higher", "22", "40", "Household survey"),
    ("Emergency admissions over 65", "count", "lower", "140", "110", "ICB admissions data"),
]
# What each of the two returns reports, in order of INDICATORS.
REPORTED = [("12", "25", "138"), ("61", "24", "137")]


def _fill_indicator(page, n, name, unit, direction, baseline, target, how, row_label):
    field = f"#id_ind-{n}-"
    page.locator(field + "row").select_option(label=row_label)
    page.locator(field + "name").fill(name)
    page.locator(field + "unit").select_option(unit)
    page.locator(field + "direction").select_option(direction)
    page.locator(field + "baseline_value").fill(baseline)
    page.locator(field + "baseline_on").fill((today() - 300 * DAY).isoformat())
    page.locator(field + "target_value").fill(target)
    page.locator(field + "target_on").fill((today() + 400 * DAY).isoformat())
    page.locator(field + "how_measured").fill(how)


def test_indicators_from_draft_plan_to_the_area_page(page, demo_data, eager_tasks):
    area = Area.objects.get(reference="R2-041")
    assert area.stage == AreaStage.GETTING_GOING
    lead, pm, funder = (User.objects.get(username=u) for u in ("lead", "pm", "funder"))

    # --- The lead adds three indicators to the draft plan (one refused first). --------------
    login(page, "lead")
    page.goto(f"/areas/{area.reference}/plan/")
    page.get_by_role("link", name="Edit the outcome indicators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome indicators")
    row_label = page.locator("#id_ind-0-row option").nth(1).inner_text()
    for n, indicator in enumerate(INDICATORS):
        _fill_indicator(page, n, *indicator, row_label)
    # Lower is better, but the target is above the baseline: refused next to the field.
    page.locator("#id_ind-2-target_value").fill("150")
    page.get_by_role("button", name="Save the outcome indicators").click()
    expect(page.locator("#id_ind-2-direction").locator("..")).to_contain_text(
        "check which direction is better"
    )
    assert not OutcomeIndicator.objects.filter(row__logic_model__area=area).exists()
    page.locator("#id_ind-2-target_value").fill("110")
    page.get_by_role("button", name="Save the outcome indicators").click()
    expect(flash(page)).to_contain_text("Outcome indicators saved.")
    expect(page.locator("#indicators")).to_contain_text("Emergency admissions over 65")
    screenshot(page, "j24_workspace_indicators")
    logout(page)

    # --- The plan goes through review and is signed off by both parties. -------------------
    plan = OperationalPlan.objects.get(area=area)
    plan_services.plan_submit_draft(plan=plan, actor=lead)
    plan_services.plan_submit_final(plan=plan, actor=lead)
    plan_services.plan_start_review(plan=plan, actor=pm)
    plan_services.plan_sign_off(plan=plan, actor=pm)
    plan_services.plan_sign_off(plan=plan, actor=funder)
    plan.refresh_from_db()
    area.refresh_from_db()
    assert plan.status == "signed_off" and area.stage == AreaStage.IMPLEMENTATION
    # The indicators are part of what was signed: frozen in the final version.
    frozen = plan.versions.order_by("-number").first().content["indicators"]
    assert [i["name"] for i in frozen] == [i[0] for i in INDICATORS]
    # --- Two returns report values, through the return form. --------------------------------
    months = area.round.return_interval_months
    starts_on = today() - datetime.timedelta(days=62 * months + 20)
    returns = delivery_services.returns_schedule(area=area, starts_on=starts_on)
    ended = [r for r in returns if r.period_end < today()][:2]
    assert len(ended) == 2
    login(page, "lead")
    for r, values in zip(ended, REPORTED, strict=True):
        page.goto(reverse("delivery:return_detail", args=[r.pk]))
        page.get_by_role("radio", name="On schedule").check()
        # The enablers' list (the obstacles' list, above it, has the same factors).
        page.get_by_role("group", name="If you are on schedule or ahead").get_by_role(
            "checkbox", name="Commitment of residents and volunteers"
        ).check()
        for (name, *_rest), value in zip(INDICATORS, values, strict=True):
            page.get_by_label(f"{name}: latest value").fill(value)
            page.get_by_label(f"Note on {name}").fill(f"Counted for {r.period_label}")
        page.get_by_role("button", name="Submit the return").click()
        expect(flash(page)).to_contain_text("Return submitted.")
    assert IndicatorValue.objects.filter(progress_return__area=area).count() == 6
    logout(page)

    # --- The reviewer reads the second return with the trend. ------------------------------
    login(page, "pm")
    page.goto(reverse("delivery:return_detail", args=[ended[1].pk]))
    trend = page.locator("#indicators")
    expect(trend).to_contain_text("Earlier returns")
    expect(trend.get_by_role("row", name="Residents supported into work")).to_contain_text("12")
    expect(trend.get_by_role("row", name="Residents supported into work")).to_contain_text("61")
    screenshot(page, "j24_return_review_trend")

    # --- The area page: a chart per indicator and its status in words. ---------------------
    page.goto(area.get_absolute_url())
    panel = page.locator("section#indicators")
    # The panel's own summary (each chart's figures fold under a summary of their own), once
    # the panel has arrived.
    opener = panel.locator("summary", has=page.locator("#h-indicators"))
    expect(opener).to_be_visible()
    opener.click()
    expect(panel.locator("canvas[data-drawn]")).to_have_count(3)
    cards = panel.locator(".col")
    expect(cards.filter(has_text="Residents supported into work")).to_contain_text("Achieved")
    expect(cards.filter(has_text="Residents who feel they have a say")).to_contain_text("Behind")
    expect(cards.filter(has_text="Emergency admissions over 65")).to_contain_text("Behind")
    expect(panel.locator("table").first).to_contain_text("Target")
    screenshot(page, "j24_area_indicators")
