"""The match-funding commitment's state table: plain data read by one function, `check_move`.

committed -> confirmed (a programme manager has seen the body's signed letter)
confirmed -> received  (the money has been paid in, usually after the first year)
committed / confirmed -> withdrawn (the body pulled out)

Received and withdrawn are final. The lead organisation records what its partners do; a
programme manager or admin may do the same on its behalf, and only they confirm.
"""

from dataclasses import dataclass

from accounts import permissions as perms
from accounts.models import Role

from .models import CommitmentStatus

C = CommitmentStatus
PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
LEAD = Role.LEAD_ORGANISATION.value


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    roles: frozenset
    name: str  # the url's move name
    label: str  # the button


MOVES = {
    (m.source, m.target): m
    for m in [
        Move(C.COMMITTED, C.CONFIRMED, frozenset({PM, ADMIN}), "confirm", "Confirm"),
        Move(C.CONFIRMED, C.RECEIVED, frozenset({LEAD, PM, ADMIN}), "receive", "Record receipt"),
        Move(C.COMMITTED, C.WITHDRAWN, frozenset({LEAD, PM, ADMIN}), "withdraw", "Withdraw"),
        Move(C.CONFIRMED, C.WITHDRAWN, frozenset({LEAD, PM, ADMIN}), "withdraw", "Withdraw"),
    ]
}
MOVE_TARGETS = {"confirm": C.CONFIRMED, "receive": C.RECEIVED, "withdraw": C.WITHDRAWN}

# Bootstrap colour shown beside the status label, never instead of it.
BADGES = {
    C.COMMITTED: "text-bg-info",
    C.CONFIRMED: "text-bg-primary",
    C.RECEIVED: "text-bg-success",
    C.WITHDRAWN: "text-bg-light border",
}


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if perms.is_admin(user):
        return ADMIN
    return user.role


def check_move(from_state: str, to_state: str, user) -> tuple[bool, str]:
    """May `user` move a commitment from `from_state` to `to_state`? The caller checks the area
    scope separately (a lead user only acts on their own area)."""
    move = MOVES.get((from_state, to_state))
    if move is None:
        return False, (
            f"A {C(from_state).label.lower()} commitment cannot become {C(to_state).label.lower()}."
        )
    if user_role(user) not in move.roles:
        who = ", ".join(sorted(Role(r).label.lower() + "s" for r in move.roles))
        return False, f"Only {who} can {move.label.lower()} a commitment at this point."
    return True, ""


def next_moves(status: str, user) -> list[Move]:
    return [m for (s, t), m in MOVES.items() if s == status and check_move(s, t, user)[0]]
