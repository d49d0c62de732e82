"""The `imported` / `occurred_at` keywords the records import needs from other apps' services:
history keeps its own dates, and rules that refuse a live submission (deadlines, evidence kept in
the old records) do not apply to it, while live submissions are still refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.models import ActivityEntry
from applications import services as app_services
from applications.tests.factories import (
    ApplicationFactory,
    GateFactory,
    GettingGoingMilestoneFactory,
)
from core.testing import today
from plans import services as plan_services
from plans.tests.factories import PlanFactory
from plans.workflows import PlanStatus
from programmes.tests.factories import AreaFactory, RoundFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LONG_AGO = timezone.make_aware(datetime.datetime(2023, 3, 1, 12, 0))


def _closed_round():
    day = today()
    return RoundFactory(
        status="open",
        opens_on=day - datetime.timedelta(days=60),
        closes_on=day - datetime.timedelta(days=1),
    )


def test_application_submit_refuses_a_live_submission_after_closing():
    application = ApplicationFactory(round=_closed_round())
    with pytest.raises(ValidationError, match="closed for applications"):
        app_services.application_submit(application=application, actor=application.applicant)


def test_application_submit_accepts_imported_history_outside_the_rounds_dates():
    application = ApplicationFactory(round=_closed_round())
    app_services.application_submit(
        application=application, actor=application.applicant, occurred_at=LONG_AGO, imported=True
    )
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at == LONG_AGO
    entry = ActivityEntry.objects.get(verb="application.submitted")
    assert entry.imported and entry.occurred_at == LONG_AGO


def _lead_user(area):
    from accounts.tests.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, organisation=area.lead_organisation)
    return user


def test_gate_submit_still_refuses_a_live_late_gate_without_evidence():
    area = AreaFactory()
    gate = GateFactory(
        area=area,
        milestone=GettingGoingMilestoneFactory(round=area.round, past=True),
        development_strategy=None,
        logic_model=None,
    )
    with pytest.raises(ValidationError):
        app_services.gate_submit(gate=gate, actor=_lead_user(area))


def test_gate_create_and_submit_accept_imported_history():
    area = AreaFactory()
    user = _lead_user(area)
    milestone = GettingGoingMilestoneFactory(round=area.round, past=True)
    gate = app_services.gate_create(
        area=area,
        actor=user,
        target_stage="getting_going",
        milestone=milestone,
        summary="Imported record.",
        occurred_at=LONG_AGO,
        imported=True,
    )
    app_services.gate_submit(gate=gate, actor=user, occurred_at=LONG_AGO, imported=True)
    gate.refresh_from_db()
    assert gate.status == "submitted" and gate.submitted_at == LONG_AGO
    for verb in ("gate.created", "gate.submitted"):
        entry = ActivityEntry.objects.get(verb=verb)
        assert entry.imported and entry.occurred_at == LONG_AGO


def test_plan_submit_final_refuses_a_live_plan_without_a_logic_model():
    plan = PlanFactory(draft_submitted=True)
    with pytest.raises(ValidationError, match="logic model"):
        plan_services.plan_submit_final(plan=plan, actor=_lead_user(plan.area))


def test_plan_services_accept_imported_history_with_its_dates():
    from accounts.tests.factories import UserFactory

    plan = PlanFactory(draft_submitted=True)
    lead = _lead_user(plan.area)
    decided = LONG_AGO + datetime.timedelta(days=60)
    plan = plan_services.plan_submit_final(
        plan=plan, actor=lead, occurred_at=LONG_AGO, imported=True
    )
    assert plan.status == PlanStatus.FINAL_SUBMITTED and plan.final_submitted_at == LONG_AGO
    pm = UserFactory(programme_manager=True)
    plan = plan_services.plan_start_review(plan=plan, actor=pm, occurred_at=decided, imported=True)
    plan = plan_services.plan_not_approve(
        plan=plan, actor=pm, reasons="Old decision.", occurred_at=decided, imported=True
    )
    assert plan.decided_at == decided
    verbs = ["plan.final_submitted", "plan.review_started", "plan.not_approved"]
    entries = ActivityEntry.objects.filter(verb__in=verbs)
    assert entries.count() == 3
    assert all(e.imported for e in entries)
    assert entries.get(verb="plan.not_approved").occurred_at == decided
