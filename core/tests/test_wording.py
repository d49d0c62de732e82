"""A count is said with the right plural: "1 day", never "1 days" (issue 25)."""

from decimal import Decimal

from core.wording import count_of, days


def test_one_is_singular_and_everything_else_plural():
    assert [days(n) for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert days(Decimal("1.0")) == "1 day" and days(Decimal("1.5")) == "1.5 days"
    assert days(14.0) == "14 days"
    assert count_of(1, "person", "people") == "1 person"
    assert count_of(3, "person", "people") == "3 people"
