"""Template helpers for list pages: sortable column headers and pagination links that keep the
current filters."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, param="sort"):
    request = context["request"]
    current = request.GET.get(param, "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params[param] = f"-{key}"
        arrow, state = " ▲", "ascending"
    elif current == f"-{key}":
        params[param] = key
        arrow, state = " ▼", "descending"
    else:
        params[param] = key
        arrow, state = "", "none"
    # aria-sort belongs on the column header, not the link (axe: aria-allowed-attr); the link
    # carries the state as data-sort, which js/ourplace.js copies to its <th>, and as hidden text.
    spoken = "" if state == "none" else f", sorted {state}"
    return format_html(
        '<a href="?{}" data-sort="{}">{}<span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></a>',
        params.urlencode(),
        state,
        label,
        arrow,
        spoken,
    )


@register.simple_tag(takes_context=True)
def querystring_without_page(context):
    params = context["request"].GET.copy()
    params.pop("page", None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def active_filters(context, form) -> int:
    """How many of the form's filters the request sets (the sort order is not a filter): the
    count on the phone's "Filters" button, so a collapsed panel still says the list is narrowed."""
    params = context["request"].GET
    return sum(1 for field in form if field.name != "sort" and params.get(field.name, "") != "")
