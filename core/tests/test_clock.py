"""The tests' clock: today is London's date whatever the process's zone, and the clock fixture
holds the day still."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from core.testing import LONDON, next_london_noon, today


def test_late_on_a_summer_evening_in_utc_it_is_already_tomorrow_in_london():
    utc_evening = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(utc_evening, tick=False):  # the process's zone is UTC here too
        assert datetime.date.today() == datetime.date(2026, 7, 1)
        assert today() == datetime.date(2026, 7, 2)


def test_in_winter_london_is_on_utc():
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=ZoneInfo("UTC"))):
        assert today() == datetime.date(2026, 12, 31)


def test_the_next_noon_is_ahead_and_on_the_right_day():
    just_before_midnight = datetime.datetime(2026, 7, 1, 23, 59, 30, tzinfo=LONDON)
    with time_machine.travel(just_before_midnight, tick=False):
        assert next_london_noon() == datetime.datetime(2026, 7, 2, 12, tzinfo=LONDON)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=LONDON), tick=False):
        assert next_london_noon() == datetime.datetime(2026, 7, 1, 12, tzinfo=LONDON)


def test_the_clock_fixture_holds_time_at_midday_in_london(clock):
    now = datetime.datetime.now(LONDON)
    assert now.hour == 12 and now.date() == today()
