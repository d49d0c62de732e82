"""Issue 14: the lead's final submission (locks the plan, releases the 10%) and a reviewer's
sign-off go through a confirmation step that says so; a POST without it does nothing."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Payment
from grants.services import award_grant
from grants.tests.factories import accept_offer
from plans import services
from plans.workflows import PlanStatus
from programmes.models import Stage

pytestmark = pytest.mark.django_db

NOTHING_DONE = "Nothing has been done yet"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_final_submission_without_confirmation_locks_and_releases_nothing(
    client_for, ready_plan, author, pm
):
    area = ready_plan.area
    accept_offer(
        award_grant(area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm)
    )
    services.plan_submit_draft(plan=ready_plan, actor=author)
    url = reverse("plans:submit_final", args=[area.reference])
    response = client_for(author).post(url)
    assert response.status_code == 200
    page = _text(response)
    assert NOTHING_DONE in page
    assert "the final plan, and locks it" in page
    assert "Releases the money held back until the final plan" in page
    assert "£1,000.00 from the Getting Going grant" in page
    assert "will be told by notification and email: the final plan has been submitted" in page
    ready_plan.refresh_from_db()
    assert ready_plan.status == PlanStatus.DRAFT_SUBMITTED
    assert Payment.objects.filter(award__area=area, status=Payment.Status.HELD).exists()

    client_for(author).post(url, {"confirm": "1"})
    ready_plan.refresh_from_db()
    assert ready_plan.status == PlanStatus.FINAL_SUBMITTED
    assert not Payment.objects.filter(award__area=area, status=Payment.Status.HELD).exists()


def test_sign_off_without_confirmation_records_no_signature(
    client_for, ready_plan, author, pm, funder
):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    services.plan_sign_off(plan=ready_plan, actor=funder)
    url = reverse("plans:review", args=[ready_plan.area.reference])
    response = client_for(pm).post(url, {"action": "sign_off", "sign-comment": "Good plan"})
    page = _text(response)
    assert NOTHING_DONE in page
    assert "Yours is the second signature: the plan is signed off" in page
    assert "moves to implementation" in page
    assert 'name="sign-comment" value="Good plan"' in page
    assert not ready_plan.sign_offs.filter(party="programme_manager").exists()

    client_for(pm).post(url, {"action": "sign_off", "sign-comment": "Good plan", "confirm": "1"})
    ready_plan.refresh_from_db()
    assert ready_plan.status == PlanStatus.SIGNED_OFF


def test_the_signer_is_not_told_they_will_be_notified_of_their_own_signature(
    client_for, ready_plan, author, pm, funder
):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    url = reverse("plans:review", args=[ready_plan.area.reference])
    response = client_for(funder).post(url, {"action": "sign_off", "sign-comment": "Fine"})
    page = _text(response)
    told = page[page.index("will be told by notification and email") - 300 :]
    told = told[: told.index("will be told")]
    assert html.escape(pm.get_full_name()) in told
    assert html.escape(funder.get_full_name()) not in told
