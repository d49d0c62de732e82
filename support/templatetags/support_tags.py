"""Support panels for the area page and small formatting helpers."""

from django import template

from support import selectors
from support.services import days_label

register = template.Library()


@register.filter
def days(value):
    """1.5 -> "1.5", 2.0 -> "2"."""
    if value is None or value == "":
        return ""
    return days_label(value)


def _summary(context, area):
    # Both panels render on the same page: work the figures out once.
    cache = context.render_context.setdefault("support_summaries", {})
    if area.pk not in cache:
        cache[area.pk] = selectors.area_support_summary(area=area, user=context["request"].user)
    return cache[area.pk]


@register.inclusion_tag("support/includes/area_sidebar.html", takes_context=True)
def support_sidebar(context, area):
    return {"area": area, "s": _summary(context, area), "request": context["request"]}


@register.inclusion_tag("support/includes/area_sections.html", takes_context=True)
def support_sections(context, area):
    return {
        "area": area,
        "s": _summary(context, area),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
