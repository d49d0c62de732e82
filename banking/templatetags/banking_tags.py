from django import template

from banking.permissions import can_view_bank_details

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_bank_details(context, organisation) -> bool:
    """Whether the page's user may open the organisation's bank details page."""
    return can_view_bank_details(context["user"], organisation)[0]
