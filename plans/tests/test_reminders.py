"""The daily job: reminders 14 and 3 days before a milestone to areas that have not met it, never
twice; overdue reviews flagged to programme managers; emails after commit to the right people."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import Notification
from activity.tasks import notifications_email
from applications.models import GateApplication
from plans import services
from plans.models import ReminderSent
from plans.tasks import milestone_reminders
from programmes.models import AreaStage, AreaStatus, Milestone, Stage
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory

from .factories import PlanFactory, PlanVersionFactory, lead_member_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def _reminded_areas():
    return {(r.area.reference, r.days_before) for r in ReminderSent.objects.select_related("area")}


@pytest.fixture
def rnd(db):
    return RoundFactory()


def _milestone(rnd, kind, days):
    return MilestoneFactory(
        round=rnd,
        kind=kind,
        stage=Stage.GETTING_GOING,
        due_on=TODAY + datetime.timedelta(days=days),
    )


def test_draft_plan_reminders_go_to_areas_that_have_not_submitted(rnd):
    _milestone(rnd, Milestone.Kind.DRAFT_PLAN, 14)
    waiting = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING, reference="WAIT-1")
    AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING, reference="WAIT-2")
    PlanFactory(area=waiting)  # started but not sent
    done = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING, reference="DONE-1")
    PlanVersionFactory(plan=PlanFactory(area=done, draft_submitted=True), number=1)
    AreaFactory(round=rnd, stage=AreaStage.GETTING_READY, reference="EARLY-1")
    AreaFactory(
        round=rnd, stage=AreaStage.GETTING_GOING, status=AreaStatus.WITHDRAWN, reference="GONE-1"
    )
    AreaFactory(stage=AreaStage.GETTING_GOING, reference="OTHER-1")  # another round

    result = milestone_reminders(TODAY.isoformat())

    assert _reminded_areas() == {("WAIT-1", 14), ("WAIT-2", 14)}
    assert result["reminders"] == 2


def test_final_plan_met_only_by_a_final_version(rnd):
    _milestone(rnd, Milestone.Kind.FINAL_PLAN, 3)
    draft_only = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING, reference="DRAFT-1")
    PlanVersionFactory(plan=PlanFactory(area=draft_only, draft_submitted=True), number=1)
    final = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING, reference="FINAL-1")
    PlanVersionFactory(plan=PlanFactory(area=final, final_submitted=True), kind="final", number=1)

    milestone_reminders(TODAY.isoformat())

    assert _reminded_areas() == {("DRAFT-1", 3)}


def test_gate_milestone_met_by_a_sent_application(rnd, programme_manager):
    milestone = _milestone(rnd, Milestone.Kind.GETTING_GOING_APPLICATION, 14)
    AreaFactory(round=rnd, stage=AreaStage.GETTING_READY, reference="READY-1")
    applied = AreaFactory(round=rnd, stage=AreaStage.GETTING_READY, reference="READY-2")
    GateApplication.objects.create(
        area=applied,
        target_stage=Stage.GETTING_GOING,
        amount_requested=10000,
        milestone=milestone,
    )
    GateApplication.objects.filter(area=applied).update(status="submitted")

    milestone_reminders(TODAY.isoformat())

    assert _reminded_areas() == {("READY-1", 14)}


def test_only_14_and_3_days_before(rnd):
    for days in (2, 4, 13, 15, 30):
        _milestone(rnd, Milestone.Kind.DRAFT_PLAN, days)
    AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING)
    assert milestone_reminders(TODAY.isoformat())["reminders"] == 0
    _milestone(rnd, Milestone.Kind.DRAFT_PLAN, 3)
    assert milestone_reminders(TODAY.isoformat())["reminders"] == 1


def test_running_twice_sends_nothing_twice(rnd, django_capture_on_commit_callbacks):
    _milestone(rnd, Milestone.Kind.DRAFT_PLAN, 14)
    area = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING)
    lead_member_of(area, username="lead1")
    with django_capture_on_commit_callbacks(execute=False):
        first = milestone_reminders(TODAY.isoformat())
        second = milestone_reminders(TODAY.isoformat())
    assert (first["reminders"], second["reminders"]) == (1, 0)
    assert ReminderSent.objects.count() == 1
    assert Notification.objects.filter(recipient__username="lead1").count() == 1


def test_reminder_emails_reach_lead_members_and_rm(rnd, django_capture_on_commit_callbacks):
    _milestone(rnd, Milestone.Kind.FINAL_PLAN, 3)
    area = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING)
    lead = lead_member_of(area, username="lead1")
    rm = AreaAssignmentFactory(area=area).user
    UserFactory(username="bystander")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        milestone_reminders(TODAY.isoformat())
    assert mail.outbox == []  # nothing before commit
    assert len(callbacks) == 1
    entry_id = Notification.objects.filter(recipient=lead).get().entry_id
    notifications_email(entry_id)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, rm.email])
    assert "due in 3 days" in mail.outbox[0].subject


def test_overdue_reviews_flagged_once_to_programme_managers(rnd, programme_manager):
    rnd.review_target_days = 10
    rnd.save()
    late = PlanFactory(
        area=AreaFactory(round=rnd, reference="LATE-1"),
        under_review=True,
        final_submitted_at=timezone.make_aware(datetime.datetime(2027, 2, 15, 12)),
    )
    PlanFactory(
        area=AreaFactory(round=rnd, reference="ONTIME-1"),
        final_submitted_at=timezone.make_aware(datetime.datetime(2027, 2, 25, 12)),
        final_submitted=True,
    )
    assert milestone_reminders(TODAY.isoformat())["overdue_flagged"] == 1
    assert milestone_reminders(TODAY.isoformat())["overdue_flagged"] == 0
    note = Notification.objects.get(recipient=programme_manager)
    assert "LATE-1" in note.entry.summary and "14 days" in note.entry.summary
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process when queued (restored afterwards)."""
    from ourplace.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_status_change_emails_after_commit_reach_the_people_involved(
    ready_plan, author, pm, funder, django_capture_on_commit_callbacks, eager_celery
):
    rm = AreaAssignmentFactory(area=ready_plan.area).user
    colleague = lead_member_of(ready_plan.area, username="colleague")
    services.plan_submit_draft(plan=ready_plan, actor=author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.plan_submit_final(plan=ready_plan, actor=author)
        assert mail.outbox == []  # nothing is sent until the transaction commits
    assert len(callbacks) == 1
    recipients = {m.to[0] for m in mail.outbox}
    # The author acted, so is not emailed; their colleague, the RM and the PM are.
    assert recipients == {colleague.email, rm.email, pm.email}
    assert funder.email not in recipients
    assert "Final operational plan submitted" in mail.outbox[0].subject

    services.plan_start_review(plan=ready_plan, actor=pm)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_sign_off(plan=ready_plan, actor=pm)
    assert {m.to[0] for m in mail.outbox} == {author.email, colleague.email, rm.email, funder.email}
    assert "signed by the programme manager" in mail.outbox[0].subject


def test_rolled_back_change_emails_nobody(ready_plan, author, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    lead_member_of(ready_plan.area, username="colleague")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.plan_submit_final(plan=ready_plan, actor=author)  # refused: still a draft
    assert callbacks == [] and mail.outbox == []
