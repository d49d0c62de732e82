"""The payment workflow as data: each state, the states it may move to, and who may make the move.

``move_check`` is the one function that reads the table; every payment service calls it under the
row lock before writing the status.
"""

from accounts import permissions as perms

from .models import Payment

S = Payment.Status

MANAGERS = "managers"  # programme managers and admins
SYSTEM = (
    "system"  # a consequence of another decision (e.g. final plan submitted), not a user choice
)

# state -> {next state: who may make the move}
PAYMENT_MOVES: dict[str, dict[str, str]] = {
    S.HELD: {S.SCHEDULED: SYSTEM, S.CANCELLED: MANAGERS},
    S.SCHEDULED: {S.APPROVED: MANAGERS, S.CANCELLED: MANAGERS},
    S.APPROVED: {S.PAID: MANAGERS, S.CANCELLED: MANAGERS},
    S.PAID: {},
    S.CANCELLED: {},
}

# Verbs shown on buttons and in refusals.
MOVE_LABELS = {
    S.SCHEDULED: "release",
    S.APPROVED: "approve",
    S.PAID: "mark as paid",
    S.CANCELLED: "cancel",
}

# Labels the lead organisation sees for each state (staff see the status display).
APPLICANT_LABELS = {
    S.HELD: "Held back until a condition is met",
    S.SCHEDULED: "Due to be paid",
    S.APPROVED: "Approved for payment",
    S.PAID: "Paid",
    S.CANCELLED: "Cancelled",
}


def _role_allows(who: str, user) -> bool:
    if who == SYSTEM:
        return True
    if who == MANAGERS:
        return perms.is_manager_or_admin(user)
    return False


def move_check(*, status: str, to: str, user) -> tuple[bool, str]:
    """May ``user`` move a payment from ``status`` to ``to``? Returns (allowed, reason)."""
    allowed_moves = PAYMENT_MOVES.get(status, {})
    label = MOVE_LABELS.get(to, to)
    if to not in allowed_moves:
        return (
            False,
            f"A payment that is {S(status).label.lower()} cannot be moved to "
            f"{S(to).label.lower()}.",
        )
    if not _role_allows(allowed_moves[to], user):
        return False, f"Only programme managers and admins can {label} payments."
    return True, ""


def next_moves(*, status: str, user) -> list[str]:
    """The states this user may move a payment in ``status`` to, for showing buttons."""
    return [
        to
        for to, who in PAYMENT_MOVES.get(status, {}).items()
        if who != SYSTEM and _role_allows(who, user)
    ]
