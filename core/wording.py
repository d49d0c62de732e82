"""How a count is said: "1 day", "2 days", "1.5 days" (issue 25: "1 days" on several pages).
Templates use Django's ``pluralize``; Python text uses ``count_of`` (ngettext underneath)."""

from decimal import Decimal

from django.utils.translation import ngettext


def _shown(n) -> str:
    if isinstance(n, float | Decimal):
        return f"{Decimal(str(n)).normalize():f}"
    return str(n)


def count_of(n, singular: str, plural: str = "") -> str:
    """``count_of(1, "day")`` -> "1 day"; ``count_of(2.5, "day")`` -> "2.5 days"."""
    plural = plural or f"{singular}s"
    return ngettext(f"%(n)s {singular}", f"%(n)s {plural}", 1 if n == 1 else 2) % {"n": _shown(n)}


def days(n) -> str:
    """``days(1)`` -> "1 day", ``days(14)`` -> "14 days"."""
    return count_of(n, "day")
