"""The area page's timeline, which the page loads after its first response
(`core.area_panels`, registered in apps.py)."""

from .selectors import area_timeline, redacted

TIMELINE_ENTRIES = 50


def timeline(*, area, user) -> dict:
    """The latest entries the user may see."""
    return {
        "area": area,
        "timeline": redacted(area_timeline(area=area, user=user)[:TIMELINE_ENTRIES]),
    }
