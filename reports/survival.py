"""Time-to-event figures that count the cases still open.

"Median 20 days to sign-off" taken over the plans already signed off leaves out the plans that
have waited 130 days and are still waiting: the longer a case takes, the less likely it is to be
counted, so the figure flatters. A case still open has waited *at least* its days so far (its
duration is censored there). The Kaplan-Meier estimator uses every case: an event (signed off)
steps the survival curve down by the share of cases still at risk at that time; a censored case
only leaves the risk set. The median is where the curve falls to one half; if it never does
(too many cases still open), the median is "not yet reached" and no number is honest.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Duration:
    days: float
    # True: the event happened after `days` (signed off); False: still open after `days` so far.
    ended: bool


def kaplan_meier(durations: Iterable[Duration]) -> list[tuple[float, float]]:
    """The survival curve as (time, share still without the event just after that time) at each
    time an event happened. At a time with both events and censored cases, the events come
    first (the usual convention: a case censored at t was still at risk at t)."""
    cases = sorted(durations, key=lambda d: (d.days, not d.ended))
    at_risk = len(cases)
    survival = 1.0
    curve = []
    i = 0
    while i < len(cases):
        t = cases[i].days
        events = censored = 0
        while i < len(cases) and cases[i].days == t:
            if cases[i].ended:
                events += 1
            else:
                censored += 1
            i += 1
        if events:
            survival *= 1 - events / at_risk
            curve.append((t, survival))
        at_risk -= events + censored
    return curve


def km_median(durations: Iterable[Duration]) -> float | None:
    """The Kaplan-Meier median: the smallest time at which the curve is at or below one half
    (the textbook definition). ``None`` when the curve never gets there because too many cases
    are still open: the median is not yet reached."""
    for t, s in kaplan_meier(durations):
        # Products of fractions: allow for the float's last digit at exactly one half.
        if s <= 0.5 + 1e-12:
            return t
    return None
