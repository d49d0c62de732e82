"""Support panels for the area page and the way days are written.

The area page (programmes) is composed of panels that each app renders with its own tags and
selectors, so programmes never imports the apps that add to its page. The two support panels
share one read of `area_support_summary` per page."""

from django import template
from django.utils import timezone

from support.next_step import next_step_for
from support.selectors import area_support_summary
from support.services import days_label

register = template.Library()


@register.filter
def days(value):
    """1.5 -> "1.5", 2.0 -> "2"."""
    if value is None or value == "":
        return ""
    return days_label(value)


def _summary(context, area):
    """Read once per page render, whichever panel asks first."""
    key = ("support_summary", area.pk)
    cache = context.render_context
    if key not in cache:
        cache[key] = area_support_summary(area=area, user=context.get("user"))
    return cache[key]


def _next_step(context, area, today):
    """The area's next step from what the page's other panels read about the same area: the
    round's milestones (a queryset keeps what it read, so the page's later loop over them runs
    no query), the gate applications, extensions and returns (memoised on the area)."""
    from applications.selectors import area_extensions, area_gates
    from delivery.selectors import returns_read_once

    return next_step_for(
        area,
        today=today,
        milestones=context.get("milestones"),
        gates=area_gates(area),
        returns=returns_read_once(area),
        extensions=area_extensions(area),
    )


@register.inclusion_tag("support/includes/area_sidebar.html", takes_context=True)
def support_sidebar(context, area):
    """The area page's support card: the area's own next step, adviser days, risks, follow-ups,
    events and actions."""
    today = timezone.localdate()
    return {
        "area": area,
        "s": _summary(context, area),
        "request": context.get("request"),
        "next_step": _next_step(context, area, today),
        "today": today,
    }


@register.inclusion_tag("support/includes/area_sections.html", takes_context=True)
def support_sections(context, area):
    """The area page's recent contacts and open risks, for those who may see the record."""
    return {
        "area": area,
        "s": _summary(context, area),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
