"""Issue 4 in a real browser: a Getting Going area writes its logic model, CBA and plan, submits
the draft, gets peer feedback, submits the final plan (which releases the 10% held back), is
returned once, resubmits, and is signed off by the programme manager and the funder."""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import MembershipFactory, UserFactory
from core.testing import today
from grants.models import Payment
from plans.models import OperationalPlan
from programmes.models import Area, AreaStage

from .conftest import flash, login, logout, screenshot, whole_timeline

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REVIEWER_PASSWORD = "peer-review-secret-42"


def _status(page):
    return flash(page)


def test_plan_from_logic_model_to_sign_off_releases_the_held_payment(page, demo_data, eager_tasks):
    area = Area.objects.get(reference="R2-041")
    assert area.stage == AreaStage.GETTING_GOING
    lead = User.objects.get(username="lead")
    funder = User.objects.get(username="funder")
    # Another lead organisation in the round, with a user who will peer review the draft.
    other = (
        Area.objects.filter(round=area.round)
        .exclude(lead_organisation=area.lead_organisation)
        .exclude(lead_organisation__memberships__user=lead)
        .select_related("lead_organisation")
        .order_by("reference")
        .first()
    )
    reviewer_org = other.lead_organisation
    second_org = (
        Area.objects.filter(round=area.round)
        .exclude(lead_organisation__in=[area.lead_organisation, reviewer_org])
        .exclude(lead_organisation__memberships__user=lead)
        .select_related("lead_organisation")
        .order_by("-reference")
        .first()
        .lead_organisation
    )
    reviewer = UserFactory(username="peer", first_name="Owen", last_name="Price")
    reviewer.set_password(REVIEWER_PASSWORD)
    reviewer.save()
    MembershipFactory(user=reviewer, organisation=reviewer_org)
    held = Payment.objects.get(award__area=area, award__stage="getting_going", kind="retention")
    assert held.status == "held"
    mail.outbox.clear()

    # --- The lead adds a row to the logic model. ----------------------------------------------
    login(page, "lead")
    page.goto(area.get_absolute_url())
    page.get_by_role("link", name="Open the plan workspace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan workspace: Abbey")
    page.get_by_role("link", name="Edit the logic model").click()
    page.get_by_label("Inputs, row 2").fill("A youth worker two days a week")
    page.get_by_label("Activities, row 2").fill("Mentoring at the two secondary schools")
    page.get_by_label("Outputs, row 2").fill("60 young people mentored a year")
    page.get_by_label("Short-term outcomes, row 2").fill("Fewer exclusions")
    page.get_by_label("Long-term outcomes, row 2").fill("More young people in work or training")
    page.get_by_label("Indicators, row 2").fill("NEET rate at 18")
    page.get_by_role("button", name="Save the logic model").click()
    expect(_status(page)).to_contain_text("Logic model saved.")
    expect(page.locator("main")).to_contain_text("Mentoring at the two secondary schools")

    # --- A CBA with one cost and one benefit, and its working. -------------------------------
    page.goto(f"/areas/{area.reference}/plan/cba/")
    page.locator("[name=costs-0-year]").fill("0")
    page.locator("[name=costs-0-description]").fill("Youth worker salary")
    page.locator("[name=costs-0-amount]").fill("5000")
    page.locator("[name=costs-0-borne_by]").fill("Cambridge Council")
    page.locator("[name=benefits-0-year]").fill("1")
    page.locator("[name=benefits-0-description]").fill("Fewer young people out of work")
    page.locator("[name=benefits-0-amount]").fill("8000")
    page.locator("[name=benefits-0-benefit_type]").select_option(label="Fiscal")
    page.locator("[name=benefits-0-agency]").fill("DWP")
    page.locator("[name=benefits-0-evidence_source]").fill("Unit cost database")
    page.locator("[name=benefits-0-optimism_bias_pct]").fill("10")
    page.get_by_role("button", name="Save and calculate").click()
    expect(_status(page)).to_contain_text("Cost benefit analysis saved")
    # £8,000 less 10% optimism bias, discounted one year at 3.5%: £6,956.52 against £5,000.00.
    working = page.locator("main")
    expect(working).to_contain_text("£6,956.52")
    expect(working).to_contain_text("£1,956.52")
    expect(working).to_contain_text("1.39")
    screenshot(page, "j4_cba_working")

    # --- The plan, then the draft. -------------------------------------------------------------
    page.goto(f"/areas/{area.reference}/plan/edit/")
    page.get_by_label("Risks").fill(
        "Partners' budgets are cut; staff turnover. We agree a fallback with each partner."
    )
    page.get_by_role("button", name="Save the plan").click()
    expect(_status(page)).to_contain_text("Operational plan saved.")
    page.goto(f"/areas/{area.reference}/plan/")
    page.get_by_role("button", name="Submit draft").click()
    expect(_status(page)).to_contain_text("Draft plan submitted as version 1")
    screenshot(page, "j4_draft_submitted")
    logout(page)

    # --- The programme manager assigns a peer reviewer. --------------------------------------
    login(page, "pm")
    page.goto(f"/areas/{area.reference}/plan/peer-reviewers/")
    page.get_by_label(reviewer_org.name, exact=True).check()
    due = today() + datetime.timedelta(days=14)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_role("button", name="Assign and notify").click()
    # The round asks for two reviewers: refused, with the reason next to the choices.
    expect(page.locator("main")).to_contain_text(
        "This round asks for at least two peer reviewers per plan."
    )
    page.get_by_label(second_org.name, exact=True).check()
    page.get_by_role("button", name="Assign and notify").click()
    expect(_status(page)).to_contain_text("2 peer reviewer(s) assigned and told.")
    logout(page)

    # --- The reviewer's organisation reads the draft and leaves feedback. --------------------
    login(page, "peer", REVIEWER_PASSWORD)
    page.goto("/plans/peer-reviews/")
    page.get_by_role("link", name=re.compile("Abbey")).first.click()
    # A peer reviewer declares any conflict of interest first (GovS 015, issue 23).
    page.get_by_label("No: I have no conflict of interest").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.locator("main")).to_contain_text("Mentoring at the two secondary schools")
    page.get_by_label("Strengths").fill("A clear link between the mentoring and the outcomes.")
    page.get_by_label("Suggestions for improvement").fill("Name who chairs the partnership board.")
    page.get_by_label("Questions").fill("How will the NEET rate be measured?")
    expect(page.get_by_role("radio", name="---------")).to_have_count(0)
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("button", name="Send the review").click()
    expect(_status(page)).to_contain_text("your peer review has been sent")
    logout(page)

    # --- The lead sees it and submits the final plan: the held 10% is released. --------------
    login(page, "lead")
    page.goto(f"/areas/{area.reference}/plan/")
    peer = page.locator("main")
    expect(peer).to_contain_text("Name who chairs the partnership board.")
    page.get_by_role("button", name=re.compile("Submit final")).click()
    # The confirmation step says it locks the plan and releases the 10% before anything happens.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm: submit the final plan")
    effects = page.get_by_role("region", name="What will happen when you confirm")
    expect(effects).to_contain_text("locks it")
    expect(effects).to_contain_text("£1,000.00 from the Getting Going grant")
    held.refresh_from_db()
    assert held.status == "held"
    screenshot(page, "j4_confirm_final")
    page.get_by_role("button", name="Submit the final plan").click()
    expect(_status(page)).to_contain_text("Final plan submitted as version")
    screenshot(page, "j4_final_submitted")
    held.refresh_from_db()
    assert held.status != "held"
    logout(page)

    # --- The programme manager starts the review and returns it once. ------------------------
    login(page, "pm")
    page.goto("/plans/review/")
    page.get_by_role("link", name=re.compile("Abbey")).first.click()
    page.get_by_role("button", name="Start review").click()
    expect(_status(page)).to_contain_text("Review started")
    # The comment box sits under the section it concerns (issue 25), folded until opened.
    page.locator("#section-governance ~ details.plan-comment-box").first.locator("summary").click()
    page.get_by_label("Comment on governance").fill(
        "Say who chairs the partnership board and how often."
    )
    screenshot(page, "j4_review_comment_inline")
    page.get_by_role("button", name="Return for changes").click()
    expect(_status(page)).to_contain_text("Plan returned for changes with your comments.")
    logout(page)

    # --- The lead sees the comment under its section, answers it beside it, changes the
    # section and resubmits. ------------------------------------------------------------------
    login(page, "lead")
    page.goto(f"/areas/{area.reference}/plan/")
    comments = page.get_by_role("region", name="Reviewers' comments")
    expect(comments.get_by_role("link", name="Governance")).to_be_visible()
    governance = page.locator("#comments-governance")
    expect(governance).to_contain_text("Say who chairs the partnership board and how often.")
    governance.get_by_label("Your answer on governance").fill(
        "The ward councillor chairs it; it meets monthly. Added to the plan."
    )
    screenshot(page, "j4_returned")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "j4_returned_390")
    page.set_viewport_size({"width": 1366, "height": 900})
    governance.get_by_role("button", name="Save the answer").click()
    expect(_status(page)).to_contain_text("Your answer on governance is saved.")
    expect(page.locator("#comments-governance textarea")).to_have_value(
        "The ward councillor chairs it; it meets monthly. Added to the plan."
    )
    page.get_by_role("link", name="Edit the plan").click()
    page.get_by_label("Governance").fill(
        "A partnership board chaired by the ward councillor meets monthly."
    )
    page.get_by_role("button", name="Save the plan").click()
    expect(_status(page)).to_contain_text("Operational plan saved.")
    page.goto(f"/areas/{area.reference}/plan/")
    page.get_by_role("button", name=re.compile("Submit final|Resubmit")).click()
    page.get_by_role("button", name="Submit the final plan").click()
    expect(_status(page)).to_contain_text("Final plan submitted as version")
    logout(page)

    # --- The programme manager approves; the funder signs off. --------------------------------
    login(page, "pm")
    page.goto(f"/areas/{area.reference}/plan/review/")
    # The lead's answer is beside the comment, under the section it concerns.
    answered = page.locator("#section-governance ~ .plan-comment").first
    expect(answered).to_contain_text("Say who chairs the partnership board and how often.")
    expect(answered).to_contain_text("The ward councillor chairs it; it meets monthly.")
    screenshot(page, "j4_review_answer_inline")
    if page.get_by_role("button", name="Start review").count():
        page.get_by_role("button", name="Start review").click()
        expect(_status(page)).to_contain_text("Review started")
    page.get_by_role("button", name="Approve and sign off").click()
    expect(page.locator("main")).to_contain_text("waits for the funder's signature")
    page.get_by_role("button", name="Sign off the plan").click()
    expect(_status(page)).to_contain_text("Your signature is recorded.")
    logout(page)

    login(page, "funder")
    page.goto(f"/areas/{area.reference}/plan/review/")
    page.get_by_role("button", name="Sign off for the funder").click()
    expect(page.locator("main")).to_contain_text("Yours is the second signature")
    page.get_by_role("button", name="Sign off the plan").click()
    expect(_status(page)).to_contain_text("the area is now in implementation")
    screenshot(page, "j4_signed_off")

    page.goto(area.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Implementation")
    timeline = whole_timeline(page)
    for text in (
        "Logic model updated (2 rows)",
        "Cost benefit analysis started",
        "Draft operational plan submitted (version 1)",
        "Peer reviewers assigned:",
        f"Peer review received from {reviewer_org.name}",
        "Final operational plan submitted (version 2)",
        "Review of the final operational plan started",
        "Operational plan returned for changes",
        "Final operational plan resubmitted (version 3)",
        "Operational plan signed by the programme manager",
        "Plan signed off: the area is now in implementation",
    ):
        expect(timeline).to_contain_text(text)
    # The retentions (Getting Going and Going Further) were released once, on the first final
    # submission, not again on the resubmission.
    expect(timeline.get_by_text(re.compile(r"released: final operational plan"))).to_have_count(1)
    grants = page.get_by_role("region", name="Grants and payments")
    screenshot(page, "j4_area_implementation")
    expect(grants.get_by_role("row").filter(has_text="Retention").first).to_contain_text(
        "£1,000.00"
    )
    expect(grants).not_to_contain_text("until final operational plan submitted")

    area.refresh_from_db()
    assert area.stage == AreaStage.IMPLEMENTATION
    plan = OperationalPlan.objects.get(area=area)
    assert plan.status == "signed_off"
    # Released once: one retention payment, no longer held, whatever the resubmission did.
    retentions = Payment.objects.filter(
        award__area=area, award__stage="getting_going", kind="retention"
    )
    assert retentions.count() == 1 and retentions.get().status != "held"

    recipients = {address for message in mail.outbox for address in message.to}
    assert lead.email in recipients
    assert funder.email in recipients
