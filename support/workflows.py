"""An adviser-day booking's workflow as data, read by the one engine in ``core.workflow``.

planned -> delivered   the day has happened (not before its date): it now counts as used
planned -> cancelled   it will not happen: it no longer counts at all

A planned booking counts against what the area can still book, but only a delivered one counts
as entitlement used. Delivered and cancelled are final. The moves are made by a programme
manager, an admin or the relationship manager who looks after the area now (the context's
``looks_after_area``, which ``support.permissions.booking_context`` reads once for the service);
``support/services.py`` makes them. The rules read only their context: no query.
"""

from accounts import permissions as perms
from accounts.models import Role
from core.workflow import Move, State, Workflow

BOOKERS_TEXT = "programme managers, admins and the area's relationship manager"


def is_booker(user, context) -> bool:
    """Programme managers, admins and the area's current relationship manager (the context's
    ``looks_after_area``: whether this user looks after the booking's area now)."""
    if perms.is_manager_or_admin(user):
        return True
    return perms.is_relationship_manager(user) and bool(context.get("looks_after_area"))


def day_has_come(context) -> str | None:
    """A booking is delivered on or after its date, never before."""
    booking, today = context.get("booking"), context.get("today")
    if booking is None or today is None or booking.date <= today:
        return None
    return f"This booking is for {booking.date:%-d %B %Y}: mark it delivered on or after that day."


BOOKING = Workflow(
    name="adviser_day",
    noun="A booking",
    states=[
        State("planned", "Planned", tone="info"),
        State("delivered", "Delivered", tone="success"),
        State("cancelled", "Cancelled", tone="light"),
    ],
    moves=[
        Move(
            "planned",
            "delivered",
            who=is_booker,
            who_text=BOOKERS_TEXT,
            label="Mark delivered",
            name="deliver",
            guard=day_has_come,
        ),
        Move(
            "planned",
            "cancelled",
            who=is_booker,
            who_text=BOOKERS_TEXT,
            label="Cancel",
            name="cancel",
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A {here} booking cannot become {there}.",
    refuse_role="Only {who} can {verb} a booking.",
)
BookingStatus = BOOKING.text_choices("BookingStatus")
BOOKING_MOVE_NAMES = frozenset(m.name for m in BOOKING.moves.values())
