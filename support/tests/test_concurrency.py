"""Two bookings racing for the last adviser day: the lock on the area row lets only one through.
PostgreSQL only (SQLite has no row locks)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from core.testing import today
from programmes.tests.factories import AreaFactory
from support import services
from support.models import AdviserDay
from support.tests.factories import AdviserEntitlementFactory, AdviserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_bookings_cannot_exceed_entitlement():
    rm = UserFactory(relationship_manager=True)
    area = AreaFactory()
    AreaAssignmentFactory(area=area, user=rm)
    AdviserEntitlementFactory(area=area, days=Decimal("1.5"))
    adviser = AdviserFactory(name="Sam")
    barrier = threading.Barrier(2)
    outcomes = []

    def book():
        try:
            barrier.wait()
            services.adviser_days_book(
                area=area,
                adviser=adviser,
                date=today(),
                days=Decimal("1"),
                actor=rm,
            )
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked", "refused"]
    assert AdviserDay.objects.filter(area=area).count() == 1
