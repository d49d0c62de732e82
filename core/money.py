"""Money as people read it: pounds sterling with thousands separators and pence."""

from decimal import Decimal, InvalidOperation


def pounds(value) -> str:
    """£1,234.00 (negative as -£5.00); empty for nothing or something that is not a number."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
