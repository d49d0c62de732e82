"""Replaying the score on past dates of a round, to see whether it would have warned about the
areas that later left, and how early: the evidence the signals' weights are chosen on.

Every week from the round's start (or its first area's joining) to `until`, each area still active
that day is scored with only what was known that day. An area counts as *flagged* if any of its
weekly scores before it left (or, for an area still in, before `until`) reached the threshold.
Recall: of the areas that left, how many were flagged before they left. Precision: of the areas
flagged, how many later left. Weeks of warning: from an area's first flag to the day it left."""

import datetime
import statistics
from dataclasses import dataclass, field

from .facts import RoundFacts
from .signals import FLAG_THRESHOLD, RoundDay, score_area


@dataclass
class AreaReplay:
    reference: str
    left_on: datetime.date | None
    first_flagged: datetime.date | None = None
    best_score: int = 0
    # The signals that fired on any replayed day while the area was in (before it left).
    fired: set = field(default_factory=set)

    @property
    def weeks_warning(self) -> float | None:
        if self.left_on is None or self.first_flagged is None:
            return None
        return (self.left_on - self.first_flagged).days / 7


@dataclass
class Backtest:
    start: datetime.date
    until: datetime.date
    threshold: int
    areas: list[AreaReplay] = field(default_factory=list)

    @property
    def left(self) -> list[AreaReplay]:
        return [a for a in self.areas if a.left_on is not None]

    @property
    def flagged(self) -> list[AreaReplay]:
        return [a for a in self.areas if a.first_flagged is not None]

    @property
    def caught(self) -> list[AreaReplay]:
        return [a for a in self.left if a.first_flagged is not None]

    @property
    def precision(self) -> float:
        return len(self.caught) / len(self.flagged) if self.flagged else 0.0

    @property
    def recall(self) -> float:
        return len(self.caught) / len(self.left) if self.left else 0.0

    def signal_counts(self) -> dict[str, tuple[int, int]]:
        """{signal: (areas that left on which it fired before they left, areas that stayed on
        which it fired)}: how well each signal on its own tells them apart."""
        counts: dict[str, list[int]] = {}
        for a in self.areas:
            for name in a.fired:
                counts.setdefault(name, [0, 0])[0 if a.left_on else 1] += 1
        return {name: (c[0], c[1]) for name, c in sorted(counts.items())}

    @property
    def median_weeks_warning(self) -> float | None:
        weeks = [a.weeks_warning for a in self.caught]
        return statistics.median(weeks) if weeks else None


def backtest(
    facts: RoundFacts,
    *,
    until: datetime.date,
    step_days: int = 7,
    threshold: int = FLAG_THRESHOLD,
    signals=None,
) -> Backtest:
    joined = [f.joined_on for f in facts.areas.values()]
    start = min([facts.round.starts_on, *joined]) if joined else facts.round.starts_on
    result = Backtest(start=start, until=until, threshold=threshold)
    replays = {
        pk: AreaReplay(
            reference=f.area.reference,
            left_on=f.left_on if f.left_on and f.left_on <= until else None,
        )
        for pk, f in facts.areas.items()
    }
    day = start
    while day < until:
        round_day = RoundDay.of(facts, day)
        for f in facts.active_on(day):
            score = score_area(f, round_day, signals)
            replay = replays[f.area.pk]
            replay.best_score = max(replay.best_score, score.score)
            replay.fired |= {r["signal"] for r in score.reasons}
            if score.score >= threshold and replay.first_flagged is None:
                replay.first_flagged = day
        day += datetime.timedelta(days=step_days)
    result.areas = sorted(replays.values(), key=lambda r: r.reference)
    return result
