"""The grant offer card on an award's page."""

from django import template

from grants.offers.services import current_offers
from grants.offers.workflows import OFFER

register = template.Library()


@register.inclusion_tag("grants/offers/_offer_card.html", takes_context=True)
def offer_card(context, award, user):
    """The award's current offer: status, download, and what the user can do next. One query."""
    offer = current_offers([award.pk]).get(award.pk)
    moves = {m.name for m in OFFER.moves_for(offer, user, area=award.area)} if offer else set()
    return {"award": award, "offer": offer, "moves": moves, "user": user}
