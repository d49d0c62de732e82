"""The state tables for applications to join, stage-gate applications and an area's place in the
programme (active, or left it: withdrawn / did not progress).

Plain data read by one function, `check_move`: every service that changes a status asks it first,
so a move the table does not list is refused whoever asks and wherever they ask from.
"""

from dataclasses import dataclass

from accounts import permissions as perms
from accounts.models import Role

APPLICATION = "application"
GATE = "gate"
AREA = "area"

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
LEAD = Role.LEAD_ORGANISATION.value


@dataclass(frozen=True)
class State:
    name: str
    staff_label: str
    applicant_label: str
    badge: str  # Bootstrap colour; always shown beside the label, never alone


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    roles: frozenset
    staff_label: str
    applicant_label: str


def _moves(*rows):
    return {
        (m.source, m.target): m
        for m in (Move(s, t, frozenset(r), sl, al) for s, t, r, sl, al in rows)
    }


APPLICATION_STATES = {
    s.name: s
    for s in [
        State("draft", "Draft", "Draft: not sent yet", "secondary"),
        State("submitted", "Submitted", "Submitted: waiting for assessment", "info"),
        State("under_assessment", "Under assessment", "Being assessed", "primary"),
        State("admitted", "Admitted", "Admitted to the programme", "success"),
        State("rejected", "Rejected", "Not admitted", "danger"),
        State("withdrawn", "Withdrawn", "Withdrawn", "dark"),
    ]
}

APPLICATION_MOVES = _moves(
    ("draft", "submitted", {LEAD}, "Submit", "Submit application"),
    ("submitted", "under_assessment", {PM, ADMIN}, "Start assessment", "Assessment started"),
    ("under_assessment", "admitted", {PM, ADMIN}, "Admit", "Admitted"),
    ("under_assessment", "rejected", {PM, ADMIN}, "Reject", "Not admitted"),
    ("draft", "withdrawn", {LEAD, PM, ADMIN}, "Withdraw", "Withdraw application"),
    ("submitted", "withdrawn", {LEAD, PM, ADMIN}, "Withdraw", "Withdraw application"),
)

GATE_STATES = {
    s.name: s
    for s in [
        State("draft", "Draft", "Draft: not sent yet", "secondary"),
        State("submitted", "Submitted", "Submitted: waiting for a decision", "info"),
        State("approved", "Approved", "Approved", "success"),
        State("rejected", "Rejected", "Not approved", "danger"),
        State("withdrawn", "Withdrawn", "Withdrawn", "dark"),
    ]
}

GATE_MOVES = _moves(
    ("draft", "submitted", {LEAD}, "Submit", "Submit gate application"),
    ("submitted", "approved", {PM, ADMIN}, "Approve", "Approved"),
    ("submitted", "rejected", {PM, ADMIN}, "Reject", "Not approved"),
    ("draft", "withdrawn", {LEAD, PM, ADMIN}, "Withdraw", "Withdraw gate application"),
    ("submitted", "withdrawn", {LEAD, PM, ADMIN}, "Withdraw", "Withdraw gate application"),
)

# An area's status. Decisions move it too (a refused Getting Going gate or a plan not approved
# means the area did not progress); these are the moves a person makes by hand, with reasons.
AREA_STATES = {
    s.name: s
    for s in [
        State("active", "Active", "In the programme", "success"),
        State("not_progressed", "Did not progress", "Did not progress", "secondary"),
        State("withdrawn", "Withdrawn", "Withdrawn from the programme", "dark"),
        State("completed", "Completed", "Completed the programme", "info"),
    ]
}

AREA_MOVES = _moves(
    ("active", "withdrawn", {PM, ADMIN}, "Record withdrawal", "Withdrew"),
    ("active", "not_progressed", {PM, ADMIN}, "Record did not progress", "Did not progress"),
    ("withdrawn", "active", {PM, ADMIN}, "Reinstate", "Reinstated"),
    ("not_progressed", "active", {PM, ADMIN}, "Reinstate", "Reinstated"),
)

WORKFLOWS = {
    APPLICATION: (APPLICATION_STATES, APPLICATION_MOVES),
    GATE: (GATE_STATES, GATE_MOVES),
    AREA: (AREA_STATES, AREA_MOVES),
}

# What the refusal calls the thing that cannot move.
NOUNS = {APPLICATION: "An application", GATE: "An application", AREA: "An area"}


def states(workflow: str) -> dict[str, State]:
    return WORKFLOWS[workflow][0]


def choices(workflow: str) -> list[tuple[str, str]]:
    return [(s.name, s.staff_label) for s in states(workflow).values()]


def label(workflow: str, state: str, *, for_applicant: bool = False) -> str:
    s = states(workflow).get(state)
    if s is None:
        return state
    return s.applicant_label if for_applicant else s.staff_label


def badge(workflow: str, state: str) -> str:
    s = states(workflow).get(state)
    return s.badge if s else "secondary"


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if perms.is_admin(user):
        return ADMIN
    return user.role


def check_move(workflow: str, from_state: str, to_state: str, user) -> tuple[bool, str]:
    """May `user` move a `workflow` item from `from_state` to `to_state`? Returns (allowed,
    reason); the reason is written for the person who asked."""
    table_states, moves = WORKFLOWS[workflow]
    move = moves.get((from_state, to_state))
    if move is None:
        here = label(workflow, from_state)
        there = label(workflow, to_state)
        return False, f"{NOUNS[workflow]} that is {here.lower()} cannot become {there.lower()}."
    role = user_role(user)
    if role not in move.roles:
        who = ", ".join(sorted(Role(r).label.lower() + "s" for r in move.roles))
        return False, f"Only {who} can {move.staff_label.lower()} at this point."
    return True, ""


def next_moves(workflow: str, from_state: str, user) -> list[Move]:
    """The moves this user could make from here, for buttons."""
    _, moves = WORKFLOWS[workflow]
    return [
        m
        for (source, _t), m in moves.items()
        if source == from_state and check_move(workflow, source, m.target, user)[0]
    ]
