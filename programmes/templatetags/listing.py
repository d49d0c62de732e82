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
    return format_html(
        '<a href="?{}" aria-sort="{}">{}<span aria-hidden="true">{}</span></a>',
        params.urlencode(),
        state,
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def querystring_without_page(context):
    params = context["request"].GET.copy()
    params.pop("page", None)
    return params.urlencode()
