"""Each action on an application or a stage gate has its own URL and view: POST only, signed-in
only, scoped like the page, and a refused or invalid action re-renders the page (200) with the
reason beside the fields and what was typed still there."""

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from applications.models import ApplicationStatus, GateStatus
from applications.tests.factories import ApplicationFactory, GateFactory

pytestmark = pytest.mark.django_db

APPLICATION_ACTIONS = [
    "application_start",
    "application_score",
    "application_decide",
    "application_withdraw",
]
GATE_ACTIONS = ["gate_submit", "gate_decide", "gate_withdraw"]


def _lead_for(area):
    user = UserFactory()
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


@pytest.mark.parametrize("name", APPLICATION_ACTIONS)
def test_application_actions_are_posts_for_signed_in_users(client, client_for, name):
    application = ApplicationFactory(submitted=True)
    url = reverse(f"applications:{name}", args=[application.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(UserFactory(programme_manager=True)).get(url).status_code == 405


@pytest.mark.parametrize("name", GATE_ACTIONS)
def test_gate_actions_are_posts_and_404_outside_the_area(client, client_for, name):
    gate = GateFactory(submitted=True)
    url = reverse(f"applications:{name}", args=[gate.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    outsider = client_for(_lead_for(GateFactory().area))
    assert outsider.post(url, {"reason": "x"}).status_code == 404
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED


def test_detail_pages_no_longer_take_posts(client_for, programme_manager):
    application = ApplicationFactory(submitted=True)
    gate = GateFactory(submitted=True)
    client = client_for(programme_manager)
    assert client.post(application.get_absolute_url(), {"action": "start"}).status_code == 405
    assert client.post(gate.get_absolute_url(), {"action": "withdraw"}).status_code == 405
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_application_page_forms_post_to_their_own_urls(client_for, programme_manager):
    application = ApplicationFactory(submitted=True)
    content = client_for(programme_manager).get(application.get_absolute_url()).content.decode()
    for name in ("application_start", "application_withdraw"):
        assert f'action="{reverse(f"applications:{name}", args=[application.pk])}"' in content
    assert 'name="action"' not in content


def test_manager_starts_the_assessment(client_for, programme_manager):
    application = ApplicationFactory(submitted=True)
    response = client_for(programme_manager).post(
        reverse("applications:application_start", args=[application.pk]), follow=True
    )
    assert b"Assessment started." in response.content
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT


def test_a_refused_start_says_who_may_and_changes_nothing(client_for):
    application = ApplicationFactory(submitted=True)
    response = client_for(application.applicant).post(
        reverse("applications:application_start", args=[application.pk])
    )
    assert response.status_code == 200
    assert b"Only admins, programme managers can start assessment at this point." in (
        response.content
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_decision_without_a_choice_keeps_the_typed_reasons(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    response = client_for(programme_manager).post(
        reverse("applications:application_decide", args=[application.pk]),
        {"reasons": "Half-written reasons"},
    )
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"Half-written reasons" in response.content


def test_a_rejection_without_reasons_is_refused_beside_the_field(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    response = client_for(programme_manager).post(
        reverse("applications:application_decide", args=[application.pk]),
        {"decision": "reject", "reasons": ""},
    )
    assert response.status_code == 200
    assert b"Give the reasons for not admitting this application." in response.content
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT


def test_scores_refused_before_the_assessment_starts(client_for, programme_manager):
    from applications.tests.factories import CriterionFactory, assigned

    application = ApplicationFactory(submitted=True)
    criterion = CriterionFactory(round=application.round)
    assigned(application, programme_manager)
    response = client_for(programme_manager).post(
        reverse("applications:application_score", args=[application.pk]),
        {f"score_{criterion.pk}": "3", f"comment_{criterion.pk}": "Typed comment"},
    )
    assert response.status_code == 200
    assert b"Scores can only be given while the application is under assessment." in (
        response.content
    )
    assert not application.scores.exists()


def test_applicant_withdraws_their_application(client_for):
    application = ApplicationFactory(submitted=True)
    response = client_for(application.applicant).post(
        reverse("applications:application_withdraw", args=[application.pk]),
        {"reason": "We merged with a neighbour."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.decision_reasons == "We merged with a neighbour."


def test_a_gate_rejection_without_reasons_keeps_the_form(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    response = client_for(programme_manager).post(
        reverse("applications:gate_decide", args=[gate.pk]),
        {"decision": "reject", "reasons": "", "extra_adviser_days": "0"},
    )
    assert response.status_code == 200
    assert b"Give the reasons for not approving." in response.content
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED


def test_lead_withdraws_a_gate_and_the_page_shows_their_label(client_for):
    gate = GateFactory(submitted=True)
    client = client_for(_lead_for(gate.area))
    page = client.get(gate.get_absolute_url()).content.decode()
    assert '<span class="badge text-bg-info">Submitted: waiting for a decision</span>' in page
    assert f'action="{reverse("applications:gate_withdraw", args=[gate.pk])}"' in page
    response = client.post(
        reverse("applications:gate_withdraw", args=[gate.pk]), {"reason": "Not ready"}
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.status == GateStatus.WITHDRAWN


def test_gate_page_uses_the_area_breadcrumb(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    staff = client_for(programme_manager).get(gate.get_absolute_url()).content.decode()
    assert ">Areas</a>" in staff and f">{gate.area.reference}</a>" in staff
    assert '<span class="badge text-bg-info">Submitted</span>' in staff
