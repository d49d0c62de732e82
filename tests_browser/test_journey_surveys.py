"""Issue 15's surveys in a real browser: a programme manager creates and opens the standard lead
survey for round 2 (and the partner survey, inviting a partner by email); a lead answers signed
in, saving a draft first; a partner answers through the personal link in their email, without an
account; the manager sees the response rate and the stage difficulty chart with n/N and the
organisation type split (the council group suppressed); the programme PDF has the chapter.

Emails go through the outbox with Celery eager, so they land in Django's test mailbox.
"""

import re
import shutil

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from surveys import services
from surveys.models import ORG_GROUP_OF, OrgGroup, Question, Survey

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _radio(page, survey, code, item_code, choice_code):
    q = Question.objects.get(survey=survey, code=code)
    item = q.item_list.items.get(code=item_code) if item_code else None
    choice = q.choice_set.choices.get(code=choice_code)
    name = f"q{q.pk}" + (f"_{item.pk}" if item else "")
    return page.locator(f'input[name="{name}"][value="{choice.pk}"]')


def _create_and_open(page, which_label):
    page.goto("/surveys/")
    page.get_by_label("Round", exact=True).select_option(label="Round 2")
    page.get_by_label("Questionnaire", exact=True).select_option(label=which_label)
    page.get_by_role("button", name="Create the standard survey for this round").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "is ready as a draft"
    )
    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator(".alert-success").first).to_contain_text("Survey opened")


def _others_answer(survey, *, skip):
    """The other lead contacts answer through their links: all found the application easy."""
    q = Question.objects.get(survey=survey, code="stage_difficulty")
    application = q.item_list.items.get(code="application")
    easy = q.choice_set.choices.get(code="quite_easy")
    for invitation in survey.invitations.exclude(area__reference=skip):
        services.response_save(
            invitation=invitation, values={(q.pk, application.pk): easy.pk}, send=True
        )


def test_manager_opens_the_lead_survey_a_lead_and_a_partner_answer_and_the_figures_show(
    page, browser, live_server, demo_data, eager_tasks, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())

    # --- The manager creates and opens the round's lead survey, then the partner survey. -------
    login(page, "pm")
    page.get_by_role("link", name="Surveys", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    _create_and_open(page, "Lead organisation survey")
    lead_survey = Survey.objects.get(round__slug="round-2", standard="lead")
    expect(page.get_by_test_id("response-rate")).to_contain_text(
        f"Response rate: 0 of {lead_survey.invitations.values('area').distinct().count()} areas"
    )
    screenshot(page, "j15_survey_opened")

    _create_and_open(page, "Partner survey")
    partner_survey = Survey.objects.get(round__slug="round-2", standard="partner")
    invite = page.get_by_role("region", name="Invite a partner")
    invite.locator('select[name="partner"]').select_option(index=1)
    invite.get_by_label("Contact's name").fill("Priya Shah")
    invite.get_by_label("Contact's email").fill("priya.shah@partner.example")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".alert-success").first).to_contain_text("priya.shah@partner.example")
    logout(page)

    # --- The lead of R2-057 answers signed in: a draft first, then sent. -----------------------
    login(page, "lead2")
    page.get_by_role("link", name="Surveys", exact=True).click()
    row = page.get_by_role("row").filter(has_text="R2-057")
    row.get_by_role("link", name="Answer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lead organisation survey")
    _radio(page, lead_survey, "stage_difficulty", "application", "very_easy").check()
    _radio(page, lead_survey, "stage_difficulty", "cba", "very_difficult").check()
    reasons = _radio(page, lead_survey, "stage_reasons", "cba", "staff_resources")
    # The follow-up shows only once "difficult" is chosen for that stage.
    expect(reasons).to_be_visible()
    reasons.check()
    _radio(page, lead_survey, "implementation_status", None, "behind").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".alert-success").first).to_contain_text("saved as a draft")
    expect(page.locator("main")).to_contain_text("You have a draft saved")
    expect(_radio(page, lead_survey, "stage_difficulty", "cba", "very_difficult")).to_be_checked()
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator("main")).to_contain_text("Thank you: your answers about R2-057")
    screenshot(page, "j15_lead_sent")
    lead2 = User.objects.get(username="lead2")
    assert lead_survey.invitations.get(user=lead2).response.is_sent
    logout(page)

    # --- The partner answers through the link in their email, with no account. --------------
    email = next(m for m in mail.outbox if "priya.shah@partner.example" in m.to)
    link = re.search(r"https?://\S+/surveys/r/\S+/", email.body).group(0)
    partner_tab = browser.new_context(base_url=live_server.url).new_page()
    partner_tab.goto("/surveys/" + link.split("/surveys/", 1)[1])
    expect(partner_tab.get_by_role("heading", level=1)).to_contain_text("Partner survey")
    _radio(partner_tab, partner_survey, "involvement_significance", "plan", "quite").check()
    _radio(partner_tab, partner_survey, "involvement_difficult", None, "yes").check()
    _radio(partner_tab, partner_survey, "difficulty_reasons", None, "staff_resources").check()
    partner_tab.get_by_role("button", name="Send answers").click()
    expect(partner_tab.locator("main")).to_contain_text("Thank you")
    # The link takes one response: opening it again shows no form.
    partner_tab.reload()
    expect(partner_tab.get_by_role("button", name="Send answers")).to_have_count(0)
    partner_tab.context.close()

    # --- Everyone else answers; the manager sees the rate and the figures. -------------------
    _others_answer(lead_survey, skip="R2-057")
    areas = lead_survey.invitations.values("area").distinct().count()
    login(page, "pm")
    page.goto(f"/surveys/{lead_survey.pk}/")
    expect(page.get_by_test_id("response-rate")).to_have_text(
        f"Response rate: {areas} of {areas} areas, 100%"
    )
    page.get_by_role("link", name="Figures").click()
    figure = page.get_by_role("region", name="How easy or difficult was each stage?")
    expect(
        figure.get_by_role("heading", name=f"All respondents ({areas}/{areas} respondents)")
    ).to_be_visible()
    # Each lead contact's group is its organisation's type. The demo's closed grant leaves its
    # area "Completed" and so out of the survey: the groups are counted, not written in.
    invited = lead_survey.invitations.select_related("area__lead_organisation")
    groups = [ORG_GROUP_OF.get(i.area.lead_organisation.org_type) for i in invited]
    n_community, n_public = groups.count(OrgGroup.COMMUNITY), groups.count(OrgGroup.PUBLIC)
    assert n_public < 5 <= len(groups), "the demo has a small group and enough answers overall"
    community = figure.locator('[data-figure-panel="community"]')
    expect(community.get_by_role("heading")).to_contain_text(
        f"VCS body or parish/town council ({n_community}/{n_community}"
    )
    public = figure.locator('[data-figure-panel="public"]')
    expect(public).to_contain_text("fewer than 5 answers")
    expect(public.locator("canvas")).to_have_count(0)
    # A group of 5 or more is drawn: everyone together, at least.
    overall = figure.locator('[data-figure-panel="overall"]')
    expect(overall.locator("canvas")).to_be_visible()
    # Chart.js drew the chart (the canvas has pixels, not the empty default box). It sizes the
    # canvas to its box after the first frame (a ResizeObserver): wait for that rather than read
    # the width at once, which a busy machine lost in CI.
    page.wait_for_function(
        "c => c.width > 300", arg=overall.locator("canvas").element_handle(), timeout=30_000
    )
    screenshot(page, "j15_figures")

    # --- The programme PDF carries the survey chapter. ---------------------------------------
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from reports.tests.conftest import pdf_text

    pdf = tmp_path / "programme.pdf"
    call_command("report", "programme", "--round", "round-2", "-o", str(pdf))
    text = pdf_text(pdf.read_bytes(), tmp_path)
    assert "What the surveys said" in text
    assert f"Response rate: {areas} of {areas} areas, 100%." in text
    assert f"How easy or difficult was each stage? All respondents ({areas}/{areas}" in text
    assert "fewer than 5 answers, not shown" in text
