"""The area page's due-diligence card (core.area_panels, registered in apps.py): the lead
organisation's current checklist and whether money can move to it."""

from django.utils import timezone

from . import permissions as perms
from . import selectors
from .holds import standing_reason


def area_panel(*, area, user) -> dict:
    if not perms.can_view_diligence(user)[0]:
        return {"area": area, "hidden": True}
    org = area.lead_organisation
    today = timezone.localdate()
    current = selectors.current_for(org.pk)
    return {
        "area": area,
        "organisation": org,
        "current": current,
        "hold": standing_reason(org, current, today),
        "open": selectors.open_for(org.pk),
        "today": today,
    }


def area_panel_shown(user, area) -> bool:
    """Without a query: the card is for those who may read due diligence."""
    return perms.can_view_diligence(user)[0]
