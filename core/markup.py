"""Writing a list's rows in Python (as the admin's change list does) rather than through the
template engine, where a page of rows cost more than the rest of the page: the finance list's
payments (grants/payments_html.py) and My work's items (core/mywork_html.py).

The pieces are the templates' own, made cheaper: `e` is what Django's ``escape`` does (the
standard library's ``html.escape``) without its checks for lazy strings on every call,
`path_to` reverses an address with an id once per pattern rather than once per row, and `day`
is the ``date`` filter's "j M Y" in local time.
"""

import functools
from html import escape

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format


def page_token(context) -> str:
    """The page's one CSRF token for forms written in Python: the csrf context processor's, as
    ``{% csrf_token %}`` reads it (one token a page, not one a row)."""
    return str(context.get("csrf_token", ""))


def e(value) -> str:
    """Text for markup, escaped as templates escape it."""
    return escape(str(value))


def day(value) -> str:
    """``{{ value|date:"j M Y" }}``: a moment in local time, as templates show it."""
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    return date_format(value, "j M Y")


def path_to(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for an integer id: the URL pattern is reversed once (for the
    current URLconf and script prefix) and the id put into it."""
    before, after = _pattern(name, get_urlconf(), get_script_prefix())
    return f"{before}{int(pk)}{after}"


_SENTINEL = 7_654_321_987


@functools.lru_cache(maxsize=128)
def _pattern(name: str, urlconf, prefix: str) -> tuple[str, str]:
    before, _sentinel, after = reverse(name, args=[_SENTINEL], urlconf=urlconf).partition(
        str(_SENTINEL)
    )
    return before, after
