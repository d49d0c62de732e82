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


@register.simple_tag(takes_context=True)
def payment_actions(context, row):
    """The row's buttons and forms (grants/actions_html.py): written in Python, as a list of
    fifty payments spent more on them through templates than on the rest of its page."""
    from grants.actions_html import payment_actions as write

    # The page's one token (the csrf context processor's, as {% csrf_token %} reads it).
    token = str(context.get("csrf_token", ""))
    return write(row, csrf_token=token, next_url=context["request"].get_full_path())
