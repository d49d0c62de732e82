"""The grants panel on the area page. Payment badges are core's ``{% status_badge %}`` and money
is core's ``pounds`` filter (``{% load core_tags %}``)."""

from django import template
from django.utils.html import format_html_join

from core.markup import page_token
from core.templatetags.core_tags import sees_applicant_labels
from grants import payments_html, selectors
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
    """The row's buttons and forms (grants/payments_html.py)."""
    return payments_html.payment_actions(
        row, csrf_token=page_token(context), next_url=context["request"].get_full_path()
    )


@register.simple_tag(takes_context=True)
def payment_badge(context, payment):
    """The payment's status badge; a held one names what it waits for."""
    return payments_html.payment_badge(
        payment, applicant=sees_applicant_labels(context.get("user"))
    )


@register.simple_tag
def four_eyes_note(row):
    """Who must approve the row's payment, and money scheduled again after a cancellation."""
    return payments_html.four_eyes_note(row)


@register.simple_tag(takes_context=True)
def finance_rows(context, rows, can_act, can_manage, changed_since):
    """The finance list's rows, written in Python (grants/payments_html.py): fifty a page cost
    the template engine more than the rest of the page."""
    options = {
        "can_act": can_act,
        "can_manage": can_manage,
        "applicant": sees_applicant_labels(context.get("user")),
        "changed_since": changed_since,
        "csrf_token": page_token(context),
        "next_url": context["request"].get_full_path(),
    }
    return format_html_join("\n", "{}", ((payments_html.finance_row(r, **options),) for r in rows))
