"""The grant closure panel of the area page (core.area_panels, registered in apps.py)."""

from . import permissions as closure_perms
from . import selectors


def area_panel(*, area, user) -> dict:
    closure = selectors.closure_for_area(area)
    can_manage = closure_perms.can_manage_closure(user)[0]
    return {
        "area": area,
        "closure": closure,
        # Nothing to show to a lead organisation before closure starts.
        "show": closure is not None or can_manage,
        "can_manage": can_manage,
    }
