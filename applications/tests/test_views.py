"""Pages in layers: anonymous -> sign in; wrong role or other organisation -> 403/404; right role
-> the page and what it says."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from applications.models import Application, ApplicationStatus, GateApplication, GateStatus
from applications.tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    GateFactory,
    GettingGoingMilestoneFactory,
    OpenRoundFactory,
    assigned,
)
from core.testing import today
from core.tests import sample_files
from programmes.tests.factories import theme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _lead_for(area):
    user = UserFactory()
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


@pytest.mark.parametrize(
    "url",
    [
        reverse("applications:apply"),
        reverse("applications:my_applications"),
        reverse("applications:assessment_queue"),
        reverse("applications:gate_queue"),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_lead_users_cannot_reach_the_assessment_or_gate_queues(client_for, lead_user):
    client = client_for(lead_user)
    assert client.get(reverse("applications:assessment_queue")).status_code == 403
    assert client.get(reverse("applications:gate_queue")).status_code == 403


def test_staff_cannot_start_an_application(client_for, programme_manager):
    assert client_for(programme_manager).get(reverse("applications:apply")).status_code == 403


def test_lead_user_sees_their_own_applications_and_404_for_others(client_for):
    mine = ApplicationFactory(area_name="Beeston Hill")
    other = ApplicationFactory(area_name="Harehills")
    client = client_for(mine.applicant)
    page = client.get(reverse("applications:my_applications"))
    assert page.status_code == 200
    assert b"Beeston Hill" in page.content
    assert b"Harehills" not in page.content
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("applications:application_edit", args=[other.pk])).status_code == 404


def test_applicant_sees_applicant_labels(client_for):
    application = ApplicationFactory(rejected=True, decision_reasons="Outside the area.")
    page = client_for(application.applicant).get(application.get_absolute_url())
    assert b"Not admitted" in page.content
    assert b"Outside the area." in page.content


def _form_data(**overrides):
    data = {
        "area_name": "Moss Side",
        "local_authority": "Manchester",
        "area_type": "urban",
        "geo_code": "",
        "geo_code_type": "",
        "approach": "general",
        "issues": "Families move between services.",
        "services_involved": "Housing, schools",
        "expected_outcomes": "Fewer moves",
        "themes": [theme().pk],
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "15",
        "partners-0-name": "Manchester City Council",
        "partners-0-partner_type": "local_authority",
        "partners-0-involvement": "active",
        "partners-1-name": "",
        "partners-1-partner_type": "",
        # An untouched extra row, as the browser sends it (involvement keeps its default).
        "partners-1-involvement": "supporting",
    }
    data.update(overrides)
    return data


def test_lead_user_saves_a_draft_then_submits_it(client_for, lead_user, area):
    rnd = OpenRoundFactory()
    client = client_for(lead_user)
    data = _form_data(organisation=area.lead_organisation.pk, save="1")
    response = client.post(reverse("applications:application_new", args=[rnd.slug]), data)
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.status == ApplicationStatus.DRAFT
    assert application.partners.get().name == "Manchester City Council"
    data.pop("save")
    data["submit"] = "1"
    response = client.post(reverse("applications:application_edit", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_submitting_after_the_closing_date_keeps_what_was_typed(client_for, lead_user, area):
    rnd = OpenRoundFactory(closes_on=today() - datetime.timedelta(days=1))
    client = client_for(lead_user)
    data = _form_data(organisation=area.lead_organisation.pk, submit="1", issues="My typed text")
    response = client.post(
        reverse("applications:application_new", args=[rnd.slug]), data, follow=True
    )
    assert response.status_code == 200
    assert b"closed for applications on" in response.content
    assert b"My typed text" in response.content
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_too_many_themes_is_a_form_error(client_for, lead_user, area):
    rnd = OpenRoundFactory()
    slugs = ["health-and-wellbeing", "young-people", "housing", "environment"]
    data = _form_data(
        organisation=area.lead_organisation.pk, save="1", themes=[theme(s).pk for s in slugs]
    )
    response = client_for(lead_user).post(
        reverse("applications:application_new", args=[rnd.slug]), data
    )
    assert response.status_code == 200
    assert b"no more than three themes" in response.content
    assert not Application.objects.exists()


def test_register_creates_an_applicant_and_signs_them_in(client):
    response = client.post(
        reverse("applications:register"),
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia@example.org",
            "job_title": "",
            "username": "nia",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "organisation_name": "Hendon Residents Trust",
            "org_type": "vcs",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("applications:apply")).status_code == 200


def test_manager_scores_and_admits_from_the_detail_page(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    criterion = CriterionFactory(round=application.round, name="Partnership strength")
    assigned(application, programme_manager)
    client = client_for(programme_manager)
    page = client.get(application.get_absolute_url())
    assert b"Partnership strength" in page.content
    client.post(
        reverse("applications:application_score", args=[application.pk]),
        {f"score_{criterion.pk}": "4", "recommendation": "admit"},
    )
    assert application.scores.get().score == 4
    response = client.post(
        reverse("applications:application_decide", args=[application.pk]),
        {"decision": "admit", "reasons": "", "confirm": "1"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert application.area.stage == "getting_ready"


def test_refused_decision_shows_the_reason_and_keeps_the_text(client_for, programme_manager):
    application = ApplicationFactory(submitted=True)
    response = client_for(programme_manager).post(
        reverse("applications:application_decide", args=[application.pk]),
        {"decision": "reject", "reasons": "Typed reasons"},
    )
    assert response.status_code == 200
    assert b"cannot become rejected" in response.content
    assert b"Typed reasons" in response.content


def test_bulk_decision_lists_successes_and_failures(client_for, programme_manager):
    rnd = OpenRoundFactory()
    good = ApplicationFactory(round=rnd, under_assessment=True, area_name="Anfield")
    early = ApplicationFactory(round=rnd, submitted=True, area_name="Walker")
    response = client_for(programme_manager).post(
        reverse("applications:assessment_queue"),
        {
            "selected": [good.pk, early.pk],
            "decision": "reject",
            "reasons": "Budget",
            "confirm": "1",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "1 rejected: Anfield" in content
    assert "Walker: not done. An application that is submitted cannot become rejected" in content


def test_the_queue_offers_select_all_on_the_page_by_a_static_script(client_for, programme_manager):
    """Issue 25: a box in the header ticks every application on the page. It is drawn hidden and
    shown by static/js/ourplace.js (the Content-Security-Policy forbids inline script), so
    without a script only the row boxes, which work alone, are offered."""
    ApplicationFactory(round=OpenRoundFactory(), submitted=True)
    page = client_for(programme_manager).get(reverse("applications:assessment_queue"))
    content = page.content.decode()
    assert (
        '<input class="form-check-input" type="checkbox" data-select-all="selected" '
        'aria-label="Select all applications on this page" hidden>' in content
    )
    assert "<script>" not in content


def test_bulk_start_assessment(client_for, programme_manager):
    rnd = OpenRoundFactory()
    waiting = ApplicationFactory.create_batch(2, round=rnd, submitted=True)
    client_for(programme_manager).post(
        reverse("applications:assessment_queue"),
        {"selected": [a.pk for a in waiting], "decision": "start", "reasons": ""},
    )
    assert set(Application.objects.filter(round=rnd).values_list("status", flat=True)) == {
        ApplicationStatus.UNDER_ASSESSMENT
    }


@pytest.mark.parametrize("size", [2, 10])
def test_gate_queue_query_count_is_fixed(
    client_for, programme_manager, size, django_assert_max_num_queries
):
    for _ in range(size):
        gate = GateFactory(submitted=True)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("applications:gate_queue"))
    assert gate.area.name.encode() in page.content


@pytest.mark.parametrize("size", [3, 12])
def test_assessment_queue_query_count_is_fixed(
    client_for, programme_manager, size, django_assert_max_num_queries
):
    rnd = OpenRoundFactory()
    for _ in range(size):
        a = ApplicationFactory(round=rnd, submitted=True, themes=[theme(), theme("housing")])
    client = client_for(programme_manager)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("applications:assessment_queue"))
    assert page.status_code == 200
    assert a.area_name.encode() in page.content
    with django_assert_max_num_queries(14):
        page = client.get(reverse("applications:assessment_queue"), {"theme": "housing"})
    assert a.area_name.encode() in page.content


def test_queue_shows_counts_by_status(client_for, programme_manager):
    rnd = OpenRoundFactory()
    ApplicationFactory.create_batch(2, round=rnd, submitted=True)
    ApplicationFactory(round=rnd, rejected=True)
    page = client_for(programme_manager).get(reverse("applications:assessment_queue"))
    content = page.content.decode()
    assert 'Submitted <span class="badge text-bg-secondary">2</span>' in content
    assert 'Rejected <span class="badge text-bg-secondary">1</span>' in content


# --- Gates ---


def test_lead_user_applies_for_getting_going_with_evidence(client_for, area):
    user = _lead_for(area)
    milestone = GettingGoingMilestoneFactory(round=area.round)
    client = client_for(user)
    page = client.get(area.get_absolute_url())
    assert b"Apply for Getting Going" in page.content
    response = client.post(
        reverse("applications:gate_new", args=[area.reference]),
        {
            "target_stage": "getting_going",
            "milestone": milestone.pk,
            "amount_requested": "10000",
            "summary": "Ready to go",
            "development_strategy": SimpleUploadedFile("strategy.pdf", sample_files.PDF),
            "logic_model": SimpleUploadedFile("logic.xlsx", sample_files.xlsx()),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    gate = GateApplication.objects.get()
    assert gate.status == GateStatus.SUBMITTED
    assert gate.development_strategy_name == "strategy.pdf"
    assert gate.logic_model_name == "logic.xlsx"
    assert "strategy" not in gate.development_strategy.name  # stored under a generated name


def test_area_page_says_why_a_lead_user_cannot_apply_after_the_milestone(client_for, area):
    due = today() - datetime.timedelta(days=3)
    GettingGoingMilestoneFactory(round=area.round, due_on=due)
    content = client_for(_lead_for(area)).get(area.get_absolute_url()).content.decode()
    assert "Apply for Getting Going" not in content
    assert f"Applications for Getting Going closed on {due:%-d %B %Y}" in content


def test_wrong_evidence_type_is_a_form_error(client_for, area):
    milestone = GettingGoingMilestoneFactory(round=area.round)
    response = client_for(_lead_for(area)).post(
        reverse("applications:gate_new", args=[area.reference]),
        {
            "target_stage": "getting_going",
            "milestone": milestone.pk,
            "amount_requested": "10000",
            "summary": "Typed summary",
            "development_strategy": SimpleUploadedFile("strategy.exe", b"MZ"),
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert b"Upload a PDF" in response.content
    assert b"Typed summary" in response.content
    assert not GateApplication.objects.exists()


def test_html_named_pdf_is_refused_as_gate_evidence_and_nothing_is_stored(client_for, area):
    """Issue 11: gate evidence was checked by its extension only."""
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    before = sorted(p for p in root.rglob("*") if p.is_file())
    milestone = GettingGoingMilestoneFactory(round=area.round)
    response = client_for(_lead_for(area)).post(
        reverse("applications:gate_new", args=[area.reference]),
        {
            "target_stage": "getting_going",
            "milestone": milestone.pk,
            "amount_requested": "10000",
            "summary": "Typed summary",
            "development_strategy": SimpleUploadedFile("strategy.pdf", sample_files.HTML),
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert "not a real PDF" in response.content.decode()
    assert not GateApplication.objects.exists()
    assert sorted(p for p in root.rglob("*") if p.is_file()) == before


def test_evidence_served_to_the_area_and_404_for_another_area(client_for):
    gate = GateFactory()
    url = reverse("applications:gate_evidence", args=[gate.pk, "development_strategy"])
    response = client_for(_lead_for(gate.area)).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    outsider = client_for(_lead_for(GateFactory().area))
    assert outsider.get(url).status_code == 404
    assert outsider.get(gate.get_absolute_url()).status_code == 404


def test_late_gate_refused_with_a_message(client_for, area):
    gate = GateFactory(
        area=area, milestone=GettingGoingMilestoneFactory(round=area.round, past=True)
    )
    response = client_for(_lead_for(gate.area)).post(
        reverse("applications:gate_submit", args=[gate.pk]), follow=True
    )
    assert b"Ask your programme manager for an extension" in response.content


def test_manager_approves_a_gate_with_cba(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    client = client_for(programme_manager)
    assert client.get(reverse("applications:gate_queue")).status_code == 200
    response = client.post(
        reverse("applications:gate_decide", args=[gate.pk]),
        {
            "decision": "approve",
            "amount": "10000",
            "cba_required": "on",
            "extra_adviser_days": "2",
            "reasons": "",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.status == GateStatus.APPROVED and gate.cba_required
    assert gate.amount_approved == Decimal("10000")
    page = client.get(gate.area.get_absolute_url())
    assert b"CBA required" in page.content


def test_lead_user_cannot_grant_extensions(client_for, area):
    url = reverse("applications:extension_new", args=[area.reference])
    assert client_for(_lead_for(area)).get(url).status_code == 403


def test_manager_grants_an_extension(client_for, programme_manager, area):
    milestone = GettingGoingMilestoneFactory(round=area.round)
    response = client_for(programme_manager).post(
        reverse("applications:extension_new", args=[area.reference]),
        {
            "milestone": milestone.pk,
            "new_due_on": (milestone.due_on + datetime.timedelta(days=10)).isoformat(),
            "reason": "Staff illness",
        },
    )
    assert response.status_code == 302
    assert area.deadline_extensions.get().reason == "Staff illness"


def test_queue_opens_on_applications_waiting_for_a_decision(client_for, programme_manager):
    rnd = OpenRoundFactory()
    ApplicationFactory(round=rnd, submitted=True, area_name="Waiting Ward")
    ApplicationFactory(round=rnd, rejected=True, area_name="Decided Ward")
    ApplicationFactory(round=rnd, area_name="Draft Ward")
    client = client_for(programme_manager)
    default = client.get(reverse("applications:assessment_queue")).content.decode()
    assert "Waiting Ward" in default
    assert "Decided Ward" not in default
    everything = client.get(reverse("applications:assessment_queue"), {"status": ""})
    assert "Decided Ward" in everything.content.decode()
    # Drafts are the applicant's own business until they are sent.
    assert "Draft Ward" not in everything.content.decode()


def test_a_refused_first_submit_keeps_one_draft_and_posts_to_it_next(client_for, lead_user, area):
    rnd = OpenRoundFactory()
    data = _form_data(organisation=area.lead_organisation.pk, submit="1", themes=[])
    response = client_for(lead_user).post(
        reverse("applications:application_new", args=[rnd.slug]), data
    )
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert b"Choose between one and three themes" in response.content
    edit_url = reverse("applications:application_edit", args=[application.pk])
    assert f'action="{edit_url}"'.encode() in response.content


def test_gate_queue_opens_on_open_work_and_shows_all_on_request(client_for, programme_manager):
    """One default-filter rule (issue 14): like the assessment queue, the stage-gate queue opens
    on gates waiting for a decision; "Any status" shows the decided ones too."""
    waiting = GateFactory(submitted=True)
    decided = GateFactory(submitted=True)
    decided.status = "approved"
    decided.save()
    client = client_for(programme_manager)

    default = client.get(reverse("applications:gate_queue")).content.decode()
    everything = client.get(reverse("applications:gate_queue"), {"status": ""}).content.decode()

    assert waiting.area.name in default and decided.area.name not in default
    assert waiting.area.name in everything and decided.area.name in everything
    assert "Show all, including closed" in default


def test_queue_shows_each_applications_average_score_and_how_many_scores(
    client_for, programme_manager
):
    """The scores come per application as subqueries, not a join grouped over the queue: the
    average and the count are each application's own, and an unscored one shows a dash."""
    from applications.models import AssessmentScore

    rnd = OpenRoundFactory()
    scored = ApplicationFactory(round=rnd, submitted=True, area_name="Scoredton")
    ApplicationFactory(round=rnd, submitted=True, area_name="Unscoredby")
    first, second = CriterionFactory(round=rnd), CriterionFactory(round=rnd)
    assessors = [UserFactory(programme_manager=True) for _ in range(2)]
    for criterion, assessor, score in [
        (first, assessors[0], 4),
        (first, assessors[1], 3),
        (second, assessors[0], 2),
    ]:
        AssessmentScore.objects.create(
            application=scored, criterion=criterion, assessor=assessor, score=score
        )
    page = client_for(programme_manager).get(reverse("applications:assessment_queue"))
    rows = {a.area_name: a for a in page.context["page_obj"].object_list}
    assert rows["Scoredton"].average_score == pytest.approx(3.0)
    assert rows["Scoredton"].score_count == 3
    assert rows["Unscoredby"].average_score is None
    assert rows["Unscoredby"].score_count == 0
    content = page.content.decode()
    assert '3.0 <span class="small text-muted">(3)</span>' in content
    assert 'Submitted <span class="badge text-bg-secondary">2</span>' in content
