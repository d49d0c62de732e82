"""Export links for other apps' list pages: `{% load reports_tags %}{% export_links "returns" %}`
shows CSV and XLSX links carrying the page's filters, to the people who may export."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from reports.permissions import can_export, can_export_payment_run

register = template.Library()


@register.inclusion_tag("reports/_export_links.html", takes_context=True)
def export_links(context, dataset: str, label: str = "this list"):
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not can_export(user)[0]:
        return {"show": False}
    query = request.GET.copy()
    query.pop("page", None)
    qs = f"?{query.urlencode()}" if query else ""
    return {
        "show": True,
        "label": label,
        "csv": reverse("reports:export_csv", args=[dataset]) + qs,
        "xlsx": reverse("reports:export_xlsx", args=[dataset]) + qs,
    }


@register.inclusion_tag("reports/_payment_run_links.html", takes_context=True)
def payment_run_links(context):
    """The next payment run (approved payments, ready to pay) as CSV and XLSX, for finance
    officers and programme managers, narrowed to the list's round when it has one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not can_export_payment_run(user)[0]:
        return {"show": False}
    rnd = request.GET.get("round")
    qs = f"?{urlencode({'round': rnd})}" if rnd else ""
    return {
        "show": True,
        "csv": reverse("reports:export_payment_run_csv") + qs,
        "xlsx": reverse("reports:export_payment_run_xlsx") + qs,
        "round": rnd,
    }
