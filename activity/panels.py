"""The area page's timeline, which the page loads after its first response
(`core.area_panels`, registered in apps.py), a page of entries at a time: the panel shows the
latest `TIMELINE_PAGE`, and "Show older" brings the next page (`programmes:area_panel_page`)."""

from django.db.models import Count, Window

from .selectors import area_timeline, redacted

TIMELINE_PAGE = 10


def timeline(*, area, user, page: int = 1) -> dict:
    """Page `page` (from 1) of the entries the user may see, newest first, with how many there
    are in all (counted in the same query, a window over the rows, so paging costs no query)."""
    start = (page - 1) * TIMELINE_PAGE
    entries = list(
        area_timeline(area=area, user=user).annotate(total=Window(Count("id")))[
            start : start + TIMELINE_PAGE
        ]
    )
    total = entries[0].total if entries else 0
    return {
        "area": area,
        "timeline": redacted(entries),
        "timeline_total": total,
        "timeline_page": page,
        "timeline_next": page + 1 if start + len(entries) < total else None,
    }
