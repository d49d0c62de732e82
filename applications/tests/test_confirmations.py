"""Issue 14: admitting, rejecting, deciding a gate and recording that an area has left go through
a confirmation step that says what will happen (money, emails, locks); a POST without it does
nothing and says why."""

import pytest
from django.urls import reverse

from applications.models import ApplicationStatus, GateStatus
from applications.tests.factories import ApplicationFactory, GateFactory
from grants.models import Award
from programmes.models import Area, AreaStatus

pytestmark = pytest.mark.django_db

NOTHING_DONE = "Nothing has been done yet"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_admit_without_confirmation_creates_nothing_and_says_what_would(
    client_for, programme_manager
):
    application = ApplicationFactory(under_assessment=True)
    url = reverse("applications:application_decide", args=[application.pk])
    response = client_for(programme_manager).post(url, {"decision": "admit", "reasons": "Strong"})
    assert response.status_code == 200
    page = _text(response)
    assert NOTHING_DONE in page
    assert f"Creates the area {application.area_name}" in page
    assert "Getting Ready grant of £3,000.00 and issues the grant offer" in page
    assert "will be told by notification and email: the application is admitted" in page
    assert "The decision is final" in page
    # The confirm button posts the same answers back with confirm=1.
    assert 'name="reasons" value="Strong"' in page and 'name="confirm" value="1"' in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT
    assert not Area.objects.filter(name=application.area_name).exists()
    assert not Award.objects.exists()

    client_for(programme_manager).post(
        url, {"decision": "admit", "reasons": "Strong", "confirm": "1"}
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert Award.objects.filter(area=application.area).exists()


def test_reject_confirmation_says_the_applicant_is_emailed(client_for, programme_manager):
    application = ApplicationFactory(under_assessment=True)
    response = client_for(programme_manager).post(
        reverse("applications:application_decide", args=[application.pk]),
        {"decision": "reject", "reasons": "Outside the criteria"},
    )
    page = _text(response)
    assert NOTHING_DONE in page
    assert "closed as not admitted" in page
    assert "not admitted, with your reasons" in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT


def test_gate_approval_confirmation_gives_the_money_and_its_schedule(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    data = {"decision": "approve", "amount": "10000", "extra_adviser_days": "2", "reasons": ""}
    url = reverse("applications:gate_decide", args=[gate.pk])
    response = client_for(programme_manager).post(url, {**data, "cba_required": "on"})
    page = _text(response)
    assert NOTHING_DONE in page
    assert "Getting Going grant of £10,000.00" in page
    assert "£9,000.00 becomes payable once the lead organisation accepts the offer" in page
    assert "£1,000.00 (10%) is held back until the final operational plan is submitted" in page
    assert "Adds 2 extra consultancy days" in page
    assert "Requires a cost benefit analysis" in page
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED
    assert not Award.objects.filter(area=gate.area).exists()


def test_gate_rejection_confirmation_says_the_area_leaves(client_for, programme_manager):
    gate = GateFactory(submitted=True)
    response = client_for(programme_manager).post(
        reverse("applications:gate_decide", args=[gate.pk]),
        {"decision": "reject", "reasons": "Not ready", "extra_adviser_days": "0"},
    )
    page = _text(response)
    assert NOTHING_DONE in page
    assert "recorded as did not progress: it leaves the programme" in page
    gate.refresh_from_db()
    assert gate.status == GateStatus.SUBMITTED
    assert gate.area.status == AreaStatus.ACTIVE


def test_leaving_posted_without_the_pages_button_only_shows_the_effects(
    client_for, programme_manager
):
    gate = GateFactory(submitted=True)
    area = gate.area
    response = client_for(programme_manager).post(
        reverse("applications:area_leave", args=[area.reference]),
        {"outcome": "withdrawn", "reasons": "Closed"},
    )
    page = _text(response)
    assert NOTHING_DONE in page
    assert "status becomes withdrawn" in page
    assert "Withdraws 1 open stage-gate application" in page
    area.refresh_from_db()
    assert area.status == AreaStatus.ACTIVE


def test_bulk_admit_without_confirmation_names_them_and_the_total(client_for, programme_manager):
    first = ApplicationFactory(under_assessment=True, area_name="Keyham")
    second = ApplicationFactory(under_assessment=True, area_name="Lower Place", round=first.round)
    response = client_for(programme_manager).post(
        reverse("applications:assessment_queue"),
        {"selected": [first.pk, second.pk], "decision": "admit", "reasons": ""},
    )
    page = _text(response)
    assert NOTHING_DONE in page
    assert "Creates 2 areas at Getting Ready: Keyham, Lower Place" in page
    assert "Awards 2 Getting Ready grants totalling £6,000.00" in page
    assert not Area.objects.filter(name__in=["Keyham", "Lower Place"]).exists()


def test_admit_confirmation_refuses_first_what_admitting_will_refuse(client_for, programme_manager):
    """An application under assessment with an answer now missing (an import, an edit): the
    confirmation page described creating the area; only Confirm said what was missing. The
    page is refused with the service's reason before any confirmation is shown."""
    application = ApplicationFactory(under_assessment=True)
    type(application).objects.filter(pk=application.pk).update(expected_outcomes="")
    url = reverse("applications:application_decide", args=[application.pk])
    response = client_for(programme_manager).post(url, {"decision": "admit", "reasons": "Strong"})
    assert response.status_code == 200
    page = _text(response)
    assert NOTHING_DONE not in page and 'name="confirm" value="1"' not in page
    assert "Say what you expect to change." in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_ASSESSMENT


def test_the_decision_preview_gives_the_services_reasons(programme_manager):
    from applications.services import application_decide_preview

    application = ApplicationFactory(under_assessment=True)
    assert application_decide_preview(
        application=application, decision="admit", reasons="", actor=programme_manager
    ).allowed
    rejecting = application_decide_preview(
        application=application, decision="reject", reasons=" ", actor=programme_manager
    )
    assert not rejecting.allowed
    assert rejecting.reason == "Give the reasons for not admitting this application."
    type(application).objects.filter(pk=application.pk).update(issues="")
    application.refresh_from_db()
    admitting = application_decide_preview(
        application=application, decision="admit", reasons="", actor=programme_manager
    )
    assert not admitting.allowed and "Describe the issues" in admitting.reason
