"""Percentages and signed money for the delivery pages (the area page's delivery panel is
delivery/panels.py).
Badges are core's (``{% status_badge %}``, ``{% badge %}``) and money is core's ``pounds`` filter
(``{% load core_tags %}``)."""

from decimal import Decimal

from django import template

from core.money import pounds

register = template.Library()


@register.filter
def pct(value) -> str:
    """12.5 -> "12.5%", with a sign for variances; blank for None."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    return f"{'+' if value > 0 else ''}{value}%"


@register.filter
def signed_pounds(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return ("+" if value > 0 else "") + pounds(value)
