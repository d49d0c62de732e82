"""Money formatting, payment status badges, and the grants panel on the area page."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

from grants import selectors
from grants.models import Payment
from grants.workflows import APPLICANT_LABELS

register = template.Library()

BADGE_CLASSES = {
    Payment.Status.SCHEDULED: "text-bg-info",
    Payment.Status.HELD: "text-bg-secondary",
    Payment.Status.APPROVED: "text-bg-primary",
    Payment.Status.PAID: "text-bg-success",
    Payment.Status.CANCELLED: "text-bg-light border",
}


@register.filter
def pounds(value) -> str:
    """Pounds sterling with thousands separators and pence: £1,234.00 (negative as -£5.00)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.simple_tag
def payment_badge(payment):
    """A status badge whose text says the status, so colour is never the only signal."""
    label = payment.get_status_display()
    extra = ""
    if payment.status == Payment.Status.HELD and payment.release_condition:
        extra = f"until {payment.get_release_condition_display().lower()}"
    return format_html(
        '<span class="badge {}">{}</span>{}',
        BADGE_CLASSES.get(payment.status, "text-bg-light"),
        label,
        format_html(' <span class="small text-muted">{}</span>', extra) if extra else "",
    )


@register.simple_tag
def applicant_label(payment):
    return APPLICANT_LABELS.get(payment.status, payment.get_status_display())


@register.inclusion_tag("grants/_area_panel.html", takes_context=True)
def area_grants_panel(context, area, user):
    """The area's awards and payments with totals. Shows nothing to a user who may not see the
    area (the selector returns no awards for them). Two queries."""
    awards = list(selectors.awards_for_area(area=area, user=user))
    return {
        "area": area,
        "awards": awards,
        "totals": selectors.totals_for_awards(awards),
        "user": user,
        "request": context.get("request"),
    }
