"""The early-warning signals, as one declared table: each has a name, a weight (the points it adds
when it fires), a label and a function of an area's facts as of a day returning the plain-language
reason it fires, or None. An area's score is the sum of the weights of the signals that fire; at
FLAG_THRESHOLD or more it is flagged. The weights were chosen with ``early_warning --backtest`` on
the demo's finished pilot round (see the README): change one, run the backtest, and keep the
change only if the figures say so.

Every function reads only the rows dated on or before `as_of` (``earlywarning.facts``), so the
score of a past day is the score that day would have had."""

import datetime
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from .facts import AreaFacts, RoundFacts

# An area is flagged ("call this week") at this score or more.
FLAG_THRESHOLD = 4

NO_CONTACT_DAYS = 42
STAGE_OVERRUN_DAYS = 30
ADVISER_UNUSED_DAYS = 90
UNANSWERED_DAYS = 14
RETURN_GRACE_DAYS = 14
PLAN_STALLED_DAYS = 35
# A round's median time in a stage is compared only when this many areas are in it.
MEDIAN_MIN_AREAS = 3

STAGE_LABELS = {
    "getting_ready": "Getting Ready",
    "getting_going": "Getting Going",
    "implementation": "Implementation",
    "making_it_happen": "Making it Happen",
}
# The milestones an area at a stage still has to meet, and what meeting one means.
MILESTONE_STAGES = {
    "getting_going_application": {"getting_ready"},
    "draft_plan": {"getting_going"},
    "final_plan": {"getting_going"},
}
# (Making it Happen is a further stage an area may apply for, not one it must reach: an area that
# does not apply has not fallen behind, so its deadline is not a milestone missed.)


def day_text(day: datetime.date, as_of: datetime.date) -> str:
    """12 Oct, or 12 Oct 2025 when not the year of `as_of`."""
    text = f"{day.day} {day:%b}"
    return text if day.year == as_of.year else f"{text} {day.year}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(frozen=True)
class RoundDay:
    """What a signal may compare an area with: the round's other areas on the same day."""

    facts: RoundFacts
    as_of: datetime.date
    median_days_in_stage: dict  # stage -> median days, for stages with enough areas

    @classmethod
    def of(cls, facts: RoundFacts, as_of: datetime.date) -> "RoundDay":
        by_stage: dict[str, list[int]] = {}
        for f in facts.active_on(as_of):
            stage, since = f.stage_on(as_of)
            by_stage.setdefault(stage, []).append((as_of - since).days)
        medians = {
            s: statistics.median(days)
            for s, days in by_stage.items()
            if len(days) >= MEDIAN_MIN_AREAS
        }
        return cls(facts=facts, as_of=as_of, median_days_in_stage=medians)


def no_contact(f: AreaFacts, day: RoundDay) -> str | None:
    as_of = day.as_of
    seen = [d for d in f.contacts if d <= as_of]
    if seen:
        gap = (as_of - seen[-1]).days
        return f"no contact for {gap} days" if gap >= NO_CONTACT_DAYS else None
    gap = (as_of - f.joined_on).days
    return f"no contact since joining {gap} days ago" if gap >= NO_CONTACT_DAYS else None


def stage_overrun(f: AreaFacts, day: RoundDay) -> str | None:
    stage, since = f.stage_on(day.as_of)
    median = day.median_days_in_stage.get(stage)
    if median is None:
        return None
    longer = (day.as_of - since).days - median
    if longer < STAGE_OVERRUN_DAYS:
        return None
    return f"in {STAGE_LABELS[stage]} {longer:.0f} days longer than the round's median"


def _milestone_met(f: AreaFacts, kind: str, milestone_id: int, as_of) -> bool:
    if kind == "getting_going_application":
        return any(
            m == milestone_id and sent is not None and sent <= as_of
            for target, _c, sent, _d, _s, m in f.gates
            if target == "getting_going"
        )
    if kind == "making_it_happen_application":
        return any(
            sent is not None and sent <= as_of
            for target, _c, sent, _d, _s, _m in f.gates
            if target == "making_it_happen"
        )
    verbs = {"draft_plan": {"plan.draft_submitted", "plan.final_submitted"}}.get(
        kind, {"plan.final_submitted"}
    )
    return any(d <= as_of and verb in verbs for d, verb in f.plan_entries)


def missed_milestones(f: AreaFacts, day: RoundDay) -> str | None:
    as_of = day.as_of
    stage, _since = f.stage_on(as_of)
    missed = []
    for milestone in day.facts.milestones:
        if stage not in MILESTONE_STAGES.get(milestone.kind, ()):
            continue
        due = milestone.due_on
        extension = f.extensions.get(milestone.pk)
        if extension is not None and extension[0] is not None and extension[0] <= as_of:
            due = max(due, extension[1])
        if due < as_of and not _milestone_met(f, milestone.kind, milestone.pk, as_of):
            missed.append((milestone, due))
    if not missed:
        return None
    if len(missed) == 1:
        milestone, due = missed[0]
        return f"{milestone.get_kind_display()} not in by {day_text(due, as_of)}"
    return f"{len(missed)} milestones missed"


def returns_late(f: AreaFacts, day: RoundDay) -> str | None:
    """Returns not sent RETURN_GRACE_DAYS after they were due (a few days late is common)."""
    as_of = day.as_of
    cutoff = as_of - datetime.timedelta(days=RETURN_GRACE_DAYS)
    late = [r for r in f.returns if r[0] < cutoff and (r[1] is None or r[1] > as_of)]
    if not late:
        return None
    return f"{plural(len(late), 'return')} overdue by more than {RETURN_GRACE_DAYS} days"


def returns_behind(f: AreaFacts, day: RoundDay) -> str | None:
    as_of = day.as_of
    sent = sorted((r for r in f.returns if r[1] is not None and r[1] <= as_of), key=lambda r: r[0])
    # One return behind is common (two in five were); the latest two both behind is a trend.
    latest = sent[-2:]
    if len(latest) < 2 or any(r[2] not in ("behind", "not_started") for r in latest):
        return None
    behind = 0
    for r in reversed(sent):
        if r[2] not in ("behind", "not_started"):
            break
        behind += 1
    return f"{plural(behind, 'return')} behind schedule"


def adviser_days_unused(f: AreaFacts, day: RoundDay) -> str | None:
    as_of = day.as_of
    granted, delivered, booked = f.adviser_days(as_of)
    if not granted or delivered or booked:
        return None
    first = min(g for g, _d in f.entitlements if g <= as_of)
    waited = (as_of - first).days
    if waited < ADVISER_UNUSED_DAYS:
        return None
    return f"{granted.normalize():f} adviser days unused after {waited} days"


def unanswered_message(f: AreaFacts, day: RoundDay) -> str | None:
    """The programme's oldest message the lead has not answered by `as_of`."""
    as_of = day.as_of
    waiting_since = None
    for sent, from_lead in f.messages:
        if sent > as_of:
            break
        if from_lead:
            waiting_since = None
        elif waiting_since is None:
            waiting_since = sent
    if waiting_since is None or (as_of - waiting_since).days < UNANSWERED_DAYS:
        return None
    return f"no reply to the programme's message of {day_text(waiting_since, as_of)}"


def plan_stalled(f: AreaFacts, day: RoundDay) -> str | None:
    as_of = day.as_of
    stage, _since = f.stage_on(as_of)
    if stage != "getting_going":
        return None
    entries = [(d, verb) for d, verb in f.plan_entries if d <= as_of]
    if not entries or any(
        verb in ("plan.final_submitted", "plan.signed_off") for _d, verb in entries
    ):
        return None
    last = entries[-1][0]
    if (as_of - last).days < PLAN_STALLED_DAYS:
        return None
    return f"draft plan unchanged since {day_text(last, as_of)}"


@dataclass(frozen=True)
class Signal:
    name: str
    label: str
    weight: int
    reason: Callable[[AreaFacts, RoundDay], str | None]


SIGNALS = [
    Signal("missed_milestones", "Missed milestones", 4, missed_milestones),
    Signal("no_contact", "No contact for weeks", 2, no_contact),
    Signal("stage_overrun", "Longer in the stage than the round's median", 2, stage_overrun),
    Signal("returns_late", "Returns overdue", 2, returns_late),
    Signal("returns_behind", "Returns behind schedule", 2, returns_behind),
    Signal("plan_stalled", "Draft plan not moving", 2, plan_stalled),
    Signal("unanswered_message", "Slow replies to messages", 1, unanswered_message),
    Signal("adviser_days_unused", "Adviser days unused", 1, adviser_days_unused),
]


@dataclass(frozen=True)
class Score:
    area_id: int
    score: int
    reasons: list  # [{"signal", "points", "reason"}], heaviest first

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_THRESHOLD


def score_area(f: AreaFacts, day: RoundDay, signals=None) -> Score:
    reasons = []
    for signal in signals or SIGNALS:
        text = signal.reason(f, day)
        if text:
            reasons.append({"signal": signal.name, "points": signal.weight, "reason": text})
    reasons.sort(key=lambda r: -r["points"])
    return Score(area_id=f.area.pk, score=sum(r["points"] for r in reasons), reasons=reasons)


def score_round(facts: RoundFacts, as_of: datetime.date, signals=None) -> list[Score]:
    """The score of every area active on `as_of`, worst first."""
    day = RoundDay.of(facts, as_of)
    scores = [score_area(f, day, signals) for f in facts.active_on(as_of)]
    return sorted(scores, key=lambda s: (-s.score, facts.areas[s.area_id].area.reference))
