"""Percentages and signed money for the delivery pages, and the delivery panels on the area page.
Badges are core's (``{% status_badge %}``, ``{% badge %}``) and money is core's ``pounds`` filter
(``{% load core_tags %}``)."""

from decimal import Decimal

from django import template
from django.utils import timezone

from core.money import pounds
from delivery import selectors
from delivery.models import DELIVERY_STAGES

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


@register.inclusion_tag("delivery/_area_panels.html", takes_context=True)
def delivery_panels(context, area):
    """Latest return, funding planned against secured, CBA forecast against outturn and Making it
    Happen match funding, for areas in implementation or beyond (or with delivery records)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    funding = selectors.funding_planned_vs_secured(area)
    cba = selectors.area_cba(area)
    mih = selectors.making_it_happen(area=area)
    commitments = list(mih.commitments.all()) if mih else []
    in_delivery = area.stage in DELIVERY_STAGES
    latest, next_due = selectors.latest_and_next_return(area=area, today=today)
    return {
        "area": area,
        "user": user,
        "show": in_delivery or latest is not None or not funding.is_empty or mih is not None,
        "in_delivery": in_delivery,
        "latest": latest,
        "next_due": next_due,
        "next_state": next_due.state_on(today) if next_due else None,
        "funding": funding,
        "cba": cba,
        "cba_comparison": selectors.cba_forecast_vs_outturn(area, cba) if cba else None,
        "mih": mih,
        "show_mih": mih is not None or area.stage == "making_it_happen",
        "mih_totals": selectors.match_funding_totals(commitments),
    }
