"""The return schedule and the due / overdue / submitted states, around fixed dates passed in as
"today" (no patched clocks)."""

import datetime

import pytest
from django.utils import timezone

from core.testing import today
from delivery.comparisons import Period, add_months, return_periods
from delivery.filters import ReturnsFilter
from delivery.models import ProgressReturn
from delivery.selectors import returns_list, state_q
from delivery.services import implementation_started_on, returns_schedule
from plans.tests.factories import PlanFactory
from plans.workflows import PlanStatus
from programmes.models import Area, AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

from .factories import ImplementingAreaFactory, ProgressReturnFactory

# What is due or overdue depends on the day: hold it still for each test.
pytestmark = pytest.mark.usefixtures("clock")

D = datetime.date


def aware(day: D):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def rnd(db):
    return RoundFactory(
        opens_on=D(2025, 1, 1),
        closes_on=D(2025, 3, 1),
        starts_on=D(2025, 4, 1),
        ends_on=D(2026, 8, 31),
        return_interval_months=3,
    )


def test_add_months_clips_to_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert add_months(D(2026, 3, 15), -3) == D(2025, 12, 15)


def test_quarterly_periods_run_back_to_back_and_stop_at_the_round_end():
    periods = return_periods(
        starts_on=D(2026, 1, 15), ends_on=D(2026, 8, 31), interval_months=3, due_days=30
    )
    assert periods == [
        Period(D(2026, 1, 15), D(2026, 4, 14), D(2026, 5, 14)),
        Period(D(2026, 4, 15), D(2026, 7, 14), D(2026, 8, 13)),
        # Cut short at the round's end, still due 30 days later.
        Period(D(2026, 7, 15), D(2026, 8, 31), D(2026, 9, 30)),
    ]


def test_no_periods_when_implementation_starts_after_the_round_ends():
    assert return_periods(starts_on=D(2026, 9, 1), ends_on=D(2026, 8, 31), interval_months=3) == []


def test_monthly_periods_from_a_month_end_do_not_drift_or_overlap():
    periods = return_periods(starts_on=D(2026, 1, 31), ends_on=D(2026, 4, 30), interval_months=1)
    assert [(p.start, p.end) for p in periods] == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
        (D(2026, 4, 30), D(2026, 4, 30)),
    ]


def test_schedule_starts_on_the_plan_sign_off_date(rnd):
    area = ImplementingAreaFactory(round=rnd)
    PlanFactory(area=area, status=PlanStatus.SIGNED_OFF, decided_at=aware(D(2026, 1, 15)))
    area.refresh_from_db()
    assert implementation_started_on(area) == D(2026, 1, 15)

    returns = returns_schedule(area=area)

    assert [(r.period_start, r.period_end, r.due_on) for r in returns] == [
        (D(2026, 1, 15), D(2026, 4, 14), D(2026, 5, 14)),
        (D(2026, 4, 15), D(2026, 7, 14), D(2026, 8, 13)),
        (D(2026, 7, 15), D(2026, 8, 31), D(2026, 9, 30)),
    ]
    assert all(r.status == "draft" for r in returns)


def test_without_a_signed_off_plan_the_schedule_starts_when_the_area_last_changed(rnd):
    area = ImplementingAreaFactory(round=rnd)
    PlanFactory(area=area, status=PlanStatus.UNDER_REVIEW)
    Area.objects.filter(pk=area.pk).update(updated_at=aware(D(2026, 6, 1)))
    area = Area.objects.get(pk=area.pk)

    returns = returns_schedule(area=area)

    assert [(r.period_start, r.period_end) for r in returns] == [(D(2026, 6, 1), D(2026, 8, 31))]


def test_schedule_is_idempotent_and_keeps_its_anchor(rnd):
    area = ImplementingAreaFactory(round=rnd)
    plan = PlanFactory(area=area, status=PlanStatus.SIGNED_OFF, decided_at=aware(D(2026, 1, 15)))
    area.refresh_from_db()
    first = returns_schedule(area=area)
    # A later sign-off date must not start a second, overlapping schedule.
    plan.decided_at = aware(D(2026, 2, 1))
    plan.save()
    area.refresh_from_db()
    again = returns_schedule(area=area)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert ProgressReturn.objects.filter(area=area).count() == 3


def test_areas_not_yet_implementing_have_no_returns(rnd):
    area = AreaFactory(round=rnd, stage=AreaStage.GETTING_GOING)
    assert returns_schedule(area=area) == []
    assert not ProgressReturn.objects.filter(area=area).exists()


def test_explicit_start_is_used_for_the_first_schedule_only(rnd):
    area = ImplementingAreaFactory(round=rnd)
    returns = returns_schedule(area=area, starts_on=D(2026, 3, 1))
    assert returns[0].period_start == D(2026, 3, 1)
    assert returns_schedule(area=area, starts_on=D(2026, 5, 1))[0].period_start == D(2026, 3, 1)


@pytest.mark.parametrize(
    "today,expected",
    [
        (D(2026, 4, 14), "upcoming"),  # last day of the period
        (D(2026, 4, 15), "due"),  # the period is over
        (D(2026, 5, 14), "due"),  # the due date itself
        (D(2026, 5, 15), "overdue"),  # a day late
    ],
)
def test_return_state_around_its_dates(db, today, expected):
    r = ProgressReturnFactory(
        period_start=D(2026, 1, 15), period_end=D(2026, 4, 14), due_on=D(2026, 5, 14)
    )
    assert r.state_on(today) == expected
    # The selector's condition agrees with the model's.
    qs = ProgressReturn.objects.filter(pk=r.pk)
    assert qs.filter(state_q(expected, today)).exists()
    others = {"upcoming", "due", "overdue", "submitted"} - {expected}
    assert not any(qs.filter(state_q(s, today)).exists() for s in others)


def test_a_submitted_return_is_never_overdue(db):
    r = ProgressReturnFactory(submitted=True, overdue=True)
    assert r.state_on(today() + datetime.timedelta(days=400)) == "submitted"


def test_returns_filter_by_state_on_a_given_day(db, programme_manager):
    today = D(2026, 5, 20)
    due = ProgressReturnFactory(
        period_start=D(2026, 2, 1), period_end=D(2026, 4, 30), due_on=D(2026, 5, 30)
    )
    overdue = ProgressReturnFactory(
        period_start=D(2026, 1, 1), period_end=D(2026, 3, 31), due_on=D(2026, 4, 30)
    )
    submitted = ProgressReturnFactory(
        submitted=True, period_start=D(2026, 1, 1), period_end=D(2026, 3, 31), due_on=D(2026, 4, 30)
    )
    upcoming = ProgressReturnFactory(
        period_start=D(2026, 5, 1), period_end=D(2026, 7, 31), due_on=D(2026, 8, 30)
    )
    qs = returns_list(user=programme_manager, today=today)

    def ids(data):
        return set(ReturnsFilter(data, queryset=qs, today=today).qs.values_list("pk", flat=True))

    assert ids({}) == {due.pk, overdue.pk}  # default: needs attention
    assert ids({"state": "due"}) == {due.pk}
    assert ids({"state": "overdue"}) == {overdue.pk}
    assert ids({"state": "submitted"}) == {submitted.pk}
    assert upcoming.pk not in ids({}) | ids({"state": "due"})


def test_daily_job_schedules_and_flags_overdue_once(db, impl_area, impl_lead, impl_rm):
    from activity.models import ActivityEntry, Notification
    from delivery.services import returns_flag_overdue
    from delivery.tasks import returns_daily

    overdue = ProgressReturnFactory(area=impl_area, overdue=True)
    ProgressReturnFactory(area=impl_area)  # due, not overdue
    ProgressReturnFactory(overdue=True, submitted=True)  # another area's, sent

    result = returns_daily.apply().get()

    assert result["returns_flagged_overdue"] == 1
    entry = ActivityEntry.objects.get(verb="progress_return.overdue")
    assert entry.target_id == str(overdue.pk)
    assert {n.recipient for n in Notification.objects.filter(entry=entry)} == {impl_lead, impl_rm}
    # Running again tells nobody twice.
    assert returns_flag_overdue(today=today()) == 0
    assert ActivityEntry.objects.filter(verb="progress_return.overdue").count() == 1


def test_an_area_that_left_is_no_longer_chased_for_returns(db, impl_area, programme_manager):
    from applications.services import area_leave
    from delivery.services import returns_flag_overdue
    from programmes.models import AreaStatus

    overdue = ProgressReturnFactory(area=impl_area, overdue=True)
    sent = ProgressReturnFactory(
        area=impl_area,
        submitted=True,
        period_end=today() - datetime.timedelta(days=150),
    )
    still_in = ProgressReturnFactory(overdue=True)
    area_leave(
        area=impl_area,
        outcome=AreaStatus.WITHDRAWN,
        reasons="The partnership dissolved.",
        actor=programme_manager,
    )
    day = today()
    needs_attention = set(
        ProgressReturn.objects.filter(state_q("", day)).values_list("pk", flat=True)
    )
    assert overdue.pk not in needs_attention and still_in.pk in needs_attention
    assert sent.pk in set(
        ProgressReturn.objects.filter(state_q("submitted", day)).values_list("pk", flat=True)
    )
    assert returns_flag_overdue(today=day) == 1  # only the area still in the programme
    overdue.refresh_from_db()
    assert overdue.overdue_flagged_at is None
