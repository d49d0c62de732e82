"""The way days are written (the area page's support panels are support/panels.py)."""

from django import template

from support.services import days_label, days_unit

register = template.Library()


@register.filter
def days(value):
    """1.5 -> "1.5", 2.0 -> "2"."""
    if value is None or value == "":
        return ""
    return days_label(value)


@register.filter
def day_word(value):
    """ "day" after exactly one, "days" after any other number: {{ n|days }} {{ n|day_word }}."""
    if value is None or value == "":
        return "days"
    return days_unit(value)
