"""An area's own next step, worked out from where it stands: its stage and status (the area
workflow in ``programmes/workflows.py``), its open gate applications, its operational plan's
status and its progress returns, each against the round's milestone for that step (or the
area's extension of it). Issue 14: the relationship manager's list showed the round's next
milestone, so areas that had already sent their draft plans were told "draft plans due".

`next_steps` answers for a page of areas in a fixed number of queries (at most five, whatever
the number of areas); `next_step_for` for one area. The rules are in `_step`, a plain function of
what was read, so each state is tested on its own.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from programmes.models import AreaStage, AreaStatus, Milestone
from programmes.workflows import AREA

AREA_SIDE = "area"  # the lead organisation has something to do
PROGRAMME_SIDE = "programme"  # the area waits for programme staff (a decision, a review)
NOBODY = "none"  # nothing is due


@dataclass(frozen=True)
class NextStep:
    text: str
    due_on: datetime.date | None = None
    side: str = AREA_SIDE
    url: str = ""
    detail: str = ""  # e.g. the return's period

    def is_overdue(self, today: datetime.date) -> bool:
        return self.side == AREA_SIDE and self.due_on is not None and self.due_on < today

    @property
    def waits_for_programme(self) -> bool:
        return self.side == PROGRAMME_SIDE


@dataclass
class _Facts:
    """What was read about one area."""

    plan_status: str | None = None
    gates: dict = field(default_factory=dict)  # target stage -> (status, pk), newest first wins
    returns: list = field(default_factory=list)  # not yet accepted, oldest period first
    deadlines: dict = field(default_factory=dict)  # milestone kind -> due date


def _plan_url(area):
    return reverse("plans:workspace", args=[area.reference])


def _period(r) -> str:
    return f"{r['period_start']:%-d %b %Y} to {r['period_end']:%-d %b %Y}"


def _return_step(r, today) -> NextStep | None:
    url = reverse("delivery:return_detail", args=[r["pk"]])
    if r["status"] == "changes_requested":
        return NextStep(
            "Answer the review of the progress return and resubmit it",
            r["due_on"],
            url=url,
            detail=_period(r),
        )
    if r["status"] == "draft" and r["period_end"] < today:
        late = "overdue " if r["due_on"] < today else ""
        return NextStep(f"Send the {late}progress return", r["due_on"], url=url, detail=_period(r))
    return None


def _delivery_step(area, facts: _Facts, today) -> NextStep:
    from delivery.comparisons import return_opens_on

    live = facts.returns
    for r in live:
        step = _return_step(r, today)
        if step:
            return step
    waiting = next((r for r in live if r["status"] == "submitted"), None)
    if waiting:
        return NextStep(
            "Progress return waiting for review",
            side=PROGRAMME_SIDE,
            url=reverse("delivery:return_detail", args=[waiting["pk"]]),
            detail=_period(waiting),
        )
    candidates = []
    upcoming = next((r for r in live if r["status"] == "draft"), None)
    if upcoming:
        opens = return_opens_on(
            period_start=upcoming["period_start"],
            period_end=upcoming["period_end"],
            open_days=area.round.returns_open_days_before_end,
        )
        candidates.append(
            NextStep(
                f"Next progress return (opens {opens:%-d %b %Y})",
                upcoming["due_on"],
                url=reverse("delivery:return_detail", args=[upcoming["pk"]]),
                detail=_period(upcoming),
            )
        )
    if area.stage == AreaStage.IMPLEMENTATION:
        gate = facts.gates.get("making_it_happen")
        mih_due = facts.deadlines.get(Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION)
        if gate and gate[0] == "submitted":
            return NextStep(
                "Making it Happen application: waiting for the decision", side=PROGRAMME_SIDE
            )
        if mih_due and mih_due >= today and not (gate and gate[0] == "approved"):
            verb = "Submit" if gate and gate[0] == "draft" else "Apply for"
            candidates.append(NextStep(f"{verb} Making it Happen", mih_due))
    if candidates:
        return min(candidates, key=lambda s: s.due_on or datetime.date.max)
    return NextStep("Nothing due: delivering the plan", side=NOBODY)


_PLAN_WAITS = {
    "final_submitted": "Final plan sent: review to start",
    "under_review": "Final plan under review",
    "pm_approved": "Plan waiting for the funder's sign-off",
    "funder_approved": "Plan waiting for the programme manager's sign-off",
    "signed_off": "Plan signed off: implementation starts",
}


def _plan_step(area, facts: _Facts) -> NextStep:
    status, deadlines = facts.plan_status, facts.deadlines
    url = _plan_url(area)
    if status in (None, "draft"):
        return NextStep(
            "Submit the draft operational plan", deadlines.get(Milestone.Kind.DRAFT_PLAN), url=url
        )
    if status == "draft_submitted":
        return NextStep(
            "Submit the final operational plan", deadlines.get(Milestone.Kind.FINAL_PLAN), url=url
        )
    if status == "returned":
        return NextStep(
            "Plan returned: answer the comments and resubmit it",
            deadlines.get(Milestone.Kind.FINAL_PLAN),
            url=url,
        )
    if status == "not_approved":
        return NextStep("Plan not approved", side=NOBODY, url=url)
    return NextStep(_PLAN_WAITS.get(status, status), side=PROGRAMME_SIDE, url=url)


def _step(area, facts: _Facts, today: datetime.date) -> NextStep:
    if area.status != AreaStatus.ACTIVE:
        return NextStep(f"None: {AREA.label(area.status).lower()}", side=NOBODY)
    if area.stage == AreaStage.GETTING_READY:
        gate = facts.gates.get("getting_going")
        due = facts.deadlines.get(Milestone.Kind.GETTING_GOING_APPLICATION)
        if gate and gate[0] == "submitted":
            return NextStep(
                "Getting Going application: waiting for the decision",
                side=PROGRAMME_SIDE,
                url=reverse("applications:gate_detail", args=[gate[1]]),
            )
        if due and due < today:
            # The applications page refuses after the milestone (unless an extension moved it,
            # which `due` already includes): say so rather than asking for the impossible.
            return NextStep(
                f"Getting Going applications closed on {due:%-d %b %Y}: an extension is needed",
                side=PROGRAMME_SIDE,
            )
        if gate and gate[0] == "draft":
            return NextStep(
                "Submit the Getting Going application",
                due,
                url=reverse("applications:gate_detail", args=[gate[1]]),
            )
        return NextStep("Apply for Getting Going", due)
    if area.stage == AreaStage.GETTING_GOING:
        return _plan_step(area, facts)
    return _delivery_step(area, facts, today)


def _deadlines(milestones, extensions, area, today) -> dict:
    """Each milestone kind's date for this area: the first one not yet passed (its extension
    when the area has one), else the last one (which is then overdue)."""
    dates: dict = {}
    for m in milestones.get(area.round_id, []):
        dates.setdefault(m.kind, []).append(extensions.get((area.pk, m.pk), m.due_on))
    return {
        kind: min((d for d in days if d >= today), default=max(days))
        for kind, days in dates.items()
    }


def next_steps(
    areas,
    *,
    today: datetime.date,
    milestones=None,
    gates=None,
    returns=None,
    extensions=None,
) -> dict[int, NextStep]:
    """The next step of each of `areas` (with their rounds loaded), by area id. Reads only what
    the areas' stages need: at most five queries, whatever the number of areas. `milestones`
    may pass the rounds' milestones a page has already read; `gates`, `returns` and
    `extensions` the areas' gate applications, progress returns and deadline extensions (all
    of them, as model objects), which are then not read again."""
    from delivery.models import DELIVERY_STAGES
    from plans.models import OperationalPlan

    areas = list(areas)
    active = [a for a in areas if a.status == AreaStatus.ACTIVE]
    facts = {a.pk: _Facts() for a in areas}
    stages = {a.stage for a in active}
    ids = [a.pk for a in active]
    if AreaStage.GETTING_GOING in stages:
        for area_id, status in OperationalPlan.objects.filter(area_id__in=ids).values_list(
            "area_id", "status"
        ):
            facts[area_id].plan_status = status
    if stages & {AreaStage.GETTING_READY, AreaStage.IMPLEMENTATION}:
        for area_id, stage, status, pk in _live_gates(ids, gates):
            facts[area_id].gates[stage] = (status, pk)
    if stages & set(DELIVERY_STAGES):
        for r in _open_returns(ids, returns):
            facts[r["area_id"]].returns.append(r)
    by_round: dict = {}
    if ids:
        if milestones is None:
            milestones = Milestone.objects.filter(round_id__in={a.round_id for a in active})
        for m in sorted(milestones, key=lambda m: (m.due_on, m.pk)):
            by_round.setdefault(m.round_id, []).append(m)
    extended = _extended_dates(ids, extensions) if by_round else {}
    result = {}
    for area in areas:
        facts[area.pk].deadlines = _deadlines(by_round, extended, area, today)
        result[area.pk] = _step(area, facts[area.pk], today)
    return result


_DEAD_GATES = ("withdrawn", "rejected")
_RETURN_FIELDS = ("pk", "area_id", "status", "period_start", "period_end", "due_on")


def _live_gates(ids, gates):
    """(area_id, target stage, status, pk) of the areas' live gate applications, oldest first."""
    from applications.models import GateApplication

    if gates is None:
        return (
            GateApplication.objects.filter(area_id__in=ids)
            .exclude(status__in=_DEAD_GATES)
            .order_by("created_at", "pk")
            .values_list("area_id", "target_stage", "status", "pk")
        )
    wanted = set(ids)
    live = [g for g in gates if g.area_id in wanted and g.status not in _DEAD_GATES]
    live.sort(key=lambda g: (g.created_at, g.pk))
    return [(g.area_id, g.target_stage, g.status, g.pk) for g in live]


def _open_returns(ids, returns):
    """The areas' returns not yet accepted, oldest period first, as dicts of _RETURN_FIELDS."""
    from delivery.models import ProgressReturn

    if returns is None:
        return (
            ProgressReturn.objects.filter(area_id__in=ids)
            .exclude(status="accepted")
            .order_by("period_start")
            .values(*_RETURN_FIELDS)
        )
    wanted = set(ids)
    open_ = [r for r in returns if r.area_id in wanted and r.status != "accepted"]
    open_.sort(key=lambda r: r.period_start)
    return [{name: getattr(r, name) for name in _RETURN_FIELDS} for r in open_]


def _extended_dates(ids, extensions) -> dict:
    """(area id, milestone id) -> the extended due date."""
    from applications.models import DeadlineExtension

    if extensions is None:
        extensions = DeadlineExtension.objects.filter(area_id__in=ids)
    wanted = set(ids)
    return {(e.area_id, e.milestone_id): e.new_due_on for e in extensions if e.area_id in wanted}


def next_step_for(area, *, today: datetime.date, **already_read) -> NextStep:
    """One area's next step; `already_read` as for `next_steps`."""
    return next_steps([area], today=today, **already_read)[area.pk]
