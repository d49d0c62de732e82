"""The adviser-day booking workflow against tables written out here, by hand: programme managers,
admins and the relationship manager who looks after the area now mark a planned day delivered or
cancel it; nobody else, and nothing happens to a delivered or cancelled day."""

import pytest

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from core.testing import RoleTable, walk_expected
from support.permissions import booking_context
from support.workflows import BOOKING

pytestmark = pytest.mark.django_db

MANAGERS = {"programme_manager", "admin"}
_STATES = ("planned", "delivered", "cancelled")

BOOKING_TABLE = RoleTable(
    workflow="adviser_day",
    states=_STATES,
    moves={("planned", "delivered"): MANAGERS, ("planned", "cancelled"): MANAGERS},
    context="empty: no area, so no relationship manager; no booking for the date guard",
)
BOOKING_TABLE_FOR_AN_AREA = RoleTable(
    workflow="adviser_day",
    states=_STATES,
    moves={
        # "area_rm" looks after the area; the plain "relationship_manager" looks after others.
        ("planned", "delivered"): MANAGERS | {"area_rm"},
        ("planned", "cancelled"): MANAGERS | {"area_rm"},
    },
    context="the booking's area (no booking, so the date guard has nothing to judge)",
)


def test_every_booking_move(one_user_per_role):
    # 3 states x 3 states x 7 people.
    assert walk_expected(BOOKING, BOOKING_TABLE, one_user_per_role) == 63


def test_every_booking_move_for_an_area(one_user_per_role, area):
    area_rm = UserFactory(relationship_manager=True)
    AreaAssignmentFactory(area=area, user=area_rm)
    people = {**one_user_per_role, "area_rm": area_rm}
    # Each person is asked with what the service reads about them (whether they look after the
    # area now: support.permissions.booking_context).
    cases = walk_expected(
        BOOKING,
        BOOKING_TABLE_FOR_AN_AREA,
        people,
        area=area,
        context_for=lambda user: booking_context(user, area),
    )
    assert cases == 72


def test_the_booker_rule_reads_only_its_context(one_user_per_role, area, django_assert_num_queries):
    area_rm = UserFactory(relationship_manager=True)
    AreaAssignmentFactory(area=area, user=area_rm)
    other_rm = one_user_per_role["relationship_manager"]
    with django_assert_num_queries(0):
        assert BOOKING.refusal("planned", "delivered", area_rm, looks_after_area=True) is None
        refused = BOOKING.refusal("planned", "delivered", other_rm, looks_after_area=False)
    assert refused is not None and refused.why == "role"
    assert booking_context(area_rm, area) == {"looks_after_area": True}
    assert booking_context(other_rm, area) == {"looks_after_area": False}
