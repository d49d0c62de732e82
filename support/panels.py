"""The support panels of the area page, which the page loads after its first response
(`core.area_panels`, registered in apps.py): the sidebar card (the area's next step, adviser
days, risks, follow-ups, events and actions) and the recent contacts with the open risks."""

from django.utils import timezone

from accounts.permissions import is_programme_staff

from .next_step import next_step_for
from .selectors import area_support_summary


def sidebar(*, area, user) -> dict:
    from applications.selectors import area_extensions, area_gates
    from delivery.selectors import returns_read_once

    today = timezone.localdate()
    return {
        "area": area,
        "s": area_support_summary(area=area, user=user),
        "next_step": next_step_for(
            area,
            today=today,
            gates=area_gates(area),
            returns=returns_read_once(area),
            extensions=area_extensions(area),
        ),
        "today": today,
    }


def sections(*, area, user) -> dict:
    """For those who may see the support record (else the panel renders nothing)."""
    return {"area": area, "s": area_support_summary(area=area, user=user)}


def sections_shown(user, area) -> bool:
    """Without a query: the record is for programme staff (and of those, relationship managers
    see only the areas they look after, which the panel itself checks)."""
    return is_programme_staff(user)
