"""Support panels for the area page and the way days are written. The panels receive the
figures the page's view read with `support.selectors.area_support_summary`; they run no query."""

from django import template

from support.services import days_label

register = template.Library()


@register.filter
def days(value):
    """1.5 -> "1.5", 2.0 -> "2"."""
    if value is None or value == "":
        return ""
    return days_label(value)


@register.inclusion_tag("support/includes/area_sidebar.html", takes_context=True)
def support_sidebar(context, area, summary):
    """The area page's support card: adviser days, risks, follow-ups, events and actions."""
    return {"area": area, "s": summary, "request": context.get("request")}


@register.inclusion_tag("support/includes/area_sections.html", takes_context=True)
def support_sections(context, area, summary):
    """The area page's recent contacts and open risks, for those who may see the record."""
    return {
        "area": area,
        "s": summary,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
