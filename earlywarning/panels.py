"""The area page's early-warning card (`core.area_panels`, registered in apps.py): the area's
score and, when flagged, why."""

from accounts.permissions import is_programme_staff

from .permissions import can_view_area_warning
from .selectors import area_warning
from .signals import FLAG_THRESHOLD


def area_panel(*, area, user) -> dict:
    allowed, _reason = can_view_area_warning(user, area)
    return {
        "area": area,
        "allowed": allowed,
        "warning": area_warning(area=area) if allowed else None,
        "threshold": FLAG_THRESHOLD,
    }


def area_panel_shown(user, area) -> bool:
    """Without a query: staff who support areas (the panel checks the area itself)."""
    return is_programme_staff(user)
