"""The Kaplan-Meier median on durations worked out by hand."""

import pytest

from reports.survival import Duration, kaplan_meier, km_median


def d(days, ended=True):
    return Duration(days, ended)


def test_without_open_cases_it_is_the_ordinary_median_step():
    # 10, 20, 30, 40: S = 3/4, 1/2, 1/4, 0; the first time S <= 1/2 is 20.
    assert km_median([d(10), d(20), d(30), d(40)]) == 20


def test_open_cases_push_the_median_later():
    # Signed off after 10, 20, 30 days; still waiting after 25 and 130 days.
    # At 10: 5 at risk, S = 4/5 = 0.8. At 20: 4 at risk, S = 0.8 * 3/4 = 0.6.
    # 25 is censored (3 -> 2 at risk). At 30: S = 0.6 * 1/2 = 0.3 <= 1/2, so the median is 30,
    # where the signed-off plans alone would say 20.
    durations = [d(10), d(20), d(25, False), d(30), d(130, False)]
    curve = kaplan_meier(durations)
    assert [t for t, _ in curve] == [10, 20, 30]
    assert [round(s, 6) for _, s in curve] == [0.8, 0.6, 0.3]
    assert km_median(durations) == 30


def test_an_event_and_a_censored_case_at_the_same_time():
    # At 10: one signed off and one still open; the event counts first (4 at risk): S = 3/4.
    # Then 2 at risk; at 20: S = 3/4 * 1/2 = 3/8 <= 1/2: median 20.
    assert km_median([d(10), d(10, False), d(20), d(30, False)]) == 20


def test_median_not_yet_reached_while_most_are_still_waiting():
    # Six signed off within 20 days would say "median 20"; with eight still waiting longer the
    # curve only falls to 8/14: the median is not yet reached.
    durations = [d(n) for n in (5, 8, 12, 15, 18, 20)] + [d(130, False)] * 2 + [d(60, False)] * 6
    curve = kaplan_meier(durations)
    assert curve[-1][1] == pytest.approx(8 / 14)
    assert km_median(durations) is None


def test_no_cases():
    assert km_median([]) is None
    assert kaplan_meier([]) == []
