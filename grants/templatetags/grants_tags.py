"""The grants panel on the area page. Payment badges are core's ``{% status_badge %}`` and money
is core's ``pounds`` filter (``{% load core_tags %}``)."""

from django import template

from grants import selectors
from grants.offers.services import current_offers

register = template.Library()


@register.inclusion_tag("grants/_area_panel.html", takes_context=True)
def area_grants_panel(context, area, user):
    """The area's awards and payments with totals. Shows nothing to a user who may not see the
    area (the selector returns no awards for them). Two queries."""
    awards = list(selectors.awards_for_area(area=area, user=user))
    offers = current_offers(a.pk for a in awards)  # grant offers: one more query
    for award in awards:
        award.current_offer = offers.get(award.pk)
    return {
        "area": area,
        "awards": awards,
        "totals": selectors.totals_for_awards(awards),
        "user": user,
        "request": context.get("request"),
    }
