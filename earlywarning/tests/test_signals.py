"""Each signal's reason and points, against hand-made rows with a frozen clock, and the rule that
a replayed day never sees rows dated after it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.services import activity_record
from applications.models import DeadlineExtension, GateApplication
from delivery.tests.factories import ProgressReturnFactory
from earlywarning.facts import round_facts
from earlywarning.signals import FLAG_THRESHOLD, SIGNALS, RoundDay, score_area
from messaging.models import Message
from programmes.models import Milestone
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory
from support.tests.factories import (
    AdviserDayFactory,
    AdviserEntitlementFactory,
    SupportContactFactory,
)

pytestmark = pytest.mark.django_db

WEIGHTS = {s.name: s.weight for s in SIGNALS}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))


def reasons(area, as_of=None) -> dict[str, tuple[int, str]]:
    """{signal: (points, reason)} of the area's score as of `as_of` (today)."""
    facts = round_facts(area.round)
    day = RoundDay.of(facts, as_of or timezone.localdate())
    score = score_area(facts.areas[area.pk], day)
    assert score.score == sum(r["points"] for r in score.reasons)
    return {r["signal"]: (r["points"], r["reason"]) for r in score.reasons}


@pytest.fixture
def rnd(clock):
    return RoundFactory()


def test_no_contact_counts_days_since_the_last_contact(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(100))
    SupportContactFactory(area=area, date=days_ago(80))
    SupportContactFactory(area=area, date=days_ago(41))
    assert "no_contact" not in reasons(area)
    SupportContact = area.support_contacts.model
    SupportContact.objects.filter(date=days_ago(41)).update(date=days_ago(42))
    assert reasons(area)["no_contact"] == (WEIGHTS["no_contact"], "no contact for 42 days")


def test_no_contact_since_joining(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(50))
    assert reasons(area)["no_contact"] == (2, "no contact since joining 50 days ago")


def test_a_contact_after_the_day_scored_is_not_seen(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(100))
    SupportContactFactory(area=area, date=days_ago(5))
    assert "no_contact" not in reasons(area)
    # Ten days ago, the contact of five days ago had not happened: 90 days without one.
    assert reasons(area, days_ago(10))["no_contact"] == (2, "no contact since joining 90 days ago")


def test_stage_overrun_against_the_rounds_median(rnd):
    for n in (10, 12, 14):
        SupportContactFactory(area=AreaFactory(round=rnd, joined_on=days_ago(n)))
    slow = AreaFactory(round=rnd, joined_on=days_ago(60))
    SupportContactFactory(area=slow)
    # Median of 10, 12, 14 and 60 days in Getting Ready is 13: 47 days longer.
    assert reasons(slow)["stage_overrun"] == (
        2,
        "in Getting Ready 47 days longer than the round's median",
    )
    quick = AreaFactory(round=rnd, joined_on=days_ago(30))
    assert "stage_overrun" not in reasons(quick)


def test_missed_milestone_until_the_application_is_sent_or_extended(rnd):
    due = days_ago(3)
    milestone = MilestoneFactory(round=rnd, due_on=due)
    area = AreaFactory(round=rnd, joined_on=days_ago(20))
    text = f"Getting Going application not in by {due.day} {due:%b}" + (
        "" if due.year == timezone.localdate().year else f" {due.year}"
    )
    assert reasons(area)["missed_milestones"] == (4, text)
    # Before the deadline nothing was missed.
    assert "missed_milestones" not in reasons(area, days_ago(4))
    extension = DeadlineExtension.objects.create(
        area=area,
        milestone=milestone,
        new_due_on=timezone.localdate() + datetime.timedelta(days=10),
        granted_by=UserFactory(programme_manager=True),
        reason="Board met late.",
    )
    assert "missed_milestones" not in reasons(area)
    extension.delete()
    GateApplication.objects.create(
        area=area,
        target_stage="getting_going",
        amount_requested=Decimal("10000"),
        milestone=milestone,
        status="submitted",
        submitted_at=at(days_ago(1)),
    )
    assert "missed_milestones" not in reasons(area)
    # Sent a day late: two days ago it was still missing.
    assert "missed_milestones" in reasons(area, days_ago(2))


def _getting_going(area, rnd, *, days_ago_decided: int):
    milestone = MilestoneFactory(round=rnd, due_on=days_ago(days_ago_decided + 5))
    GateApplication.objects.create(
        area=area,
        target_stage="getting_going",
        amount_requested=Decimal("10000"),
        milestone=milestone,
        status="approved",
        submitted_at=at(days_ago(days_ago_decided + 10)),
        decided_at=at(days_ago(days_ago_decided)),
    )


def test_draft_plan_unchanged(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(200))
    _getting_going(area, rnd, days_ago_decided=100)
    last = days_ago(40)
    for day in (days_ago(60), last):
        activity_record(verb="plan.saved", summary="Plan saved", area=area, occurred_at=at(day))
    text = f"draft plan unchanged since {last.day} {last:%b}" + (
        "" if last.year == timezone.localdate().year else f" {last.year}"
    )
    assert reasons(area)["plan_stalled"] == (2, text)
    activity_record(verb="plan.saved", summary="Plan saved", area=area, occurred_at=at(days_ago(2)))
    assert "plan_stalled" not in reasons(area)


def test_returns_overdue_and_behind(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(400))
    for n in (15, 10):  # ten days late is within the grace: not yet
        ProgressReturnFactory(area=area, due_on=days_ago(n), period_end=days_ago(n + 30))
    assert reasons(area)["returns_late"] == (2, "1 return overdue by more than 14 days")
    for due in (days_ago(200), days_ago(110)):
        ProgressReturnFactory(
            area=area,
            due_on=due,
            period_end=due - datetime.timedelta(days=30),
            status="submitted",
            progress_status="behind",
            submitted_at=at(due),
        )
    assert reasons(area)["returns_behind"] == (2, "2 returns behind schedule")


def test_adviser_days_unused(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(120))
    AdviserEntitlementFactory(area=area, granted_at=at(days_ago(100)))
    assert reasons(area)["adviser_days_unused"] == (1, "1.5 adviser days unused after 100 days")
    AdviserDayFactory(area=area, date=days_ago(1))
    assert "adviser_days_unused" not in reasons(area)


def test_unanswered_message(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(100))
    staff = UserFactory(programme_manager=True)
    sent = days_ago(20)
    Message.objects.create(
        area=area, from_lead=False, author=staff, body="Any news?", created_at=at(sent)
    )
    text = f"no reply to the programme's message of {sent.day} {sent:%b}" + (
        "" if sent.year == timezone.localdate().year else f" {sent.year}"
    )
    assert reasons(area)["unanswered_message"] == (1, text)
    lead = UserFactory()
    Message.objects.create(
        area=area, from_lead=True, author=lead, body="Yes, soon.", created_at=at(days_ago(3))
    )
    assert "unanswered_message" not in reasons(area)


def test_flagged_at_the_threshold(rnd):
    area = AreaFactory(round=rnd, joined_on=days_ago(50))
    facts = round_facts(rnd)
    score = score_area(facts.areas[area.pk], RoundDay.of(facts, timezone.localdate()))
    assert score.score == 2 and not score.flagged  # no contact only
    MilestoneFactory(round=rnd, kind=Milestone.Kind.GETTING_GOING_APPLICATION, due_on=days_ago(1))
    facts = round_facts(rnd)
    score = score_area(facts.areas[area.pk], RoundDay.of(facts, timezone.localdate()))
    assert score.score == 6 >= FLAG_THRESHOLD and score.flagged
    assert [r["signal"] for r in score.reasons] == ["missed_milestones", "no_contact"]
