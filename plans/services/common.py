"""What the plan's services share: the locked plan row, who hears about a change, and the rule
that the plan of an area that has left the programme is frozen."""

from django.core.exceptions import ValidationError

from accounts.selectors import lead_members, relationship_manager
from core.locking import lock
from programmes.models import AreaStatus

from .. import selectors
from ..models import OperationalPlan


def lock_plan(plan: OperationalPlan) -> OperationalPlan:
    """The plan row, freshly read and locked, with its area and round (which decides the sign-off
    order). Only the plan's own row is locked: PostgreSQL cannot lock the nullable side of a
    join."""
    return lock(plan, related=("area", "area__round"), of=("self",))


def people(area, *, lead=True, rm=True, pms=False, funders=False, extra=()) -> list:
    """Who is told about a change to the area's plan: its lead organisation's users and its
    relationship manager, and on request every programme manager and funder officer."""
    found = []
    if lead:
        found += lead_members(area)
    if rm:
        found.append(relationship_manager(area))
    if pms:
        found += selectors.programme_managers()
    if funders:
        found += selectors.funder_officers()
    return [p for p in [*found, *extra] if p is not None]


def require_in_programme(area, doing: str, imported: bool = False) -> None:
    """Refuse work on the plan of an area that has withdrawn or not progressed (history being
    imported is recorded as it happened)."""
    if not imported and area.status != AreaStatus.ACTIVE:
        raise ValidationError(
            f"{area.name} has left the programme ({area.get_status_display().lower()}), so its "
            f"plan can no longer be {doing}."
        )
