"""Precision and recall of the backtest against a small round worked out by hand."""

import datetime
from types import SimpleNamespace

import pytest

from earlywarning.backtest import backtest
from earlywarning.facts import AreaFacts, RoundFacts
from earlywarning.signals import Signal, no_contact

D0 = datetime.date(2025, 1, 6)  # a Monday: the round's start


def area(pk, *, contacts=(), left=None) -> AreaFacts:
    f = AreaFacts(
        area=SimpleNamespace(pk=pk, reference=f"T-{pk}"),
        joined_on=D0,
        left_on=D0 + datetime.timedelta(days=left) if left else None,
    )
    f.contacts = sorted(D0 + datetime.timedelta(days=d) for d in contacts)
    return f


@pytest.fixture
def round_facts():
    every_fortnight = range(0, 200, 14)
    areas = [
        area(1, left=70),  # never contacted, left on day 70
        area(2, contacts=every_fortnight, left=70),  # in touch, left all the same
        area(3),  # never contacted, stayed
        area(4, contacts=every_fortnight),  # in touch, stayed
    ]
    return RoundFacts(
        round=SimpleNamespace(starts_on=D0), milestones=[], areas={f.area.pk: f for f in areas}
    )


def test_precision_and_recall_by_hand(round_facts):
    # Only "no contact" counts, enough on its own to flag (42 days without a contact).
    signals = [Signal("no_contact", "No contact", 4, no_contact)]
    result = backtest(round_facts, until=D0 + datetime.timedelta(days=200), signals=signals)
    by_ref = {a.reference: a for a in result.areas}
    # Weekly from D0: day 42 is the first replayed day 42 days after joining.
    assert by_ref["T-1"].first_flagged == D0 + datetime.timedelta(days=42)
    assert by_ref["T-1"].weeks_warning == 4
    assert by_ref["T-2"].first_flagged is None
    assert by_ref["T-3"].first_flagged == D0 + datetime.timedelta(days=42)
    assert by_ref["T-4"].first_flagged is None
    # Left: 1 and 2; flagged: 1 and 3; flagged and left: 1.
    assert (result.precision, result.recall) == (0.5, 0.5)
    assert result.median_weeks_warning == 4
    assert result.signal_counts() == {"no_contact": (1, 1)}


def test_an_area_is_not_scored_after_it_left(round_facts):
    signals = [Signal("no_contact", "No contact", 4, no_contact)]
    # Area 1 left on day 70; a run that flags only from day 77 on never flags it.
    round_facts.areas[1].joined_on = D0 + datetime.timedelta(days=35)
    result = backtest(round_facts, until=D0 + datetime.timedelta(days=200), signals=signals)
    assert {a.reference: a.first_flagged for a in result.areas}["T-1"] is None
    assert result.recall == 0.0
    assert result.precision == 0.0  # only area 3 flagged, and it stayed
