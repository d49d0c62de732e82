"""An area's place in the programme: active, or left it (withdrawn / did not progress), or
completed. The area is programmes' model, so its workflow lives here; the applications services
make the moves (``area_leave``, ``area_reinstate``).

Decisions move an area too (a refused Getting Going gate or a plan not approved means the area
did not progress); the moves below are the ones a person makes by hand, with reasons. An area
completes only when its grant is closed: ``closure.services.closure_close`` makes that move, made
by the people who may close a grant, and passes the closed closure; without it the move is
refused, so nothing else can complete an area.
"""

from accounts.models import Role
from core.workflow import Move, State, Workflow

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
MANAGERS = frozenset({PM, ADMIN})

NOT_CLOSED = "An area completes the programme only when its grant is closed."


def _grant_closed(context) -> str | None:
    """Completing needs the area's grant closure, closed (the closure app passes it)."""
    closure = context.get("closure")
    if closure is None or str(closure.status) != "closed":
        return NOT_CLOSED
    return None


AREA = Workflow(
    name="area",
    noun="An area",
    states=[
        State("active", "Active", "In the programme", tone="success"),
        State("not_progressed", "Did not progress", "Did not progress", tone="secondary"),
        State("withdrawn", "Withdrawn", "Withdrawn from the programme", tone="dark"),
        State("completed", "Completed", "Completed the programme", tone="info"),
    ],
    moves=[
        Move("active", "withdrawn", MANAGERS, "Record withdrawal", "Withdrew", name="withdraw"),
        Move(
            "active",
            "not_progressed",
            MANAGERS,
            "Record did not progress",
            "Did not progress",
            name="not_progressed",
        ),
        Move("withdrawn", "active", MANAGERS, "Reinstate", "Reinstated", name="reinstate"),
        Move("not_progressed", "active", MANAGERS, "Reinstate", "Reinstated", name="reinstate"),
        # Made only by closing the area's grant (closure.services.closure_close).
        Move(
            "active",
            "completed",
            MANAGERS,
            "Complete",
            "Completed the programme",
            name="complete",
            guard=_grant_closed,
        ),
    ],
    role_labels=dict(Role.choices),
)
