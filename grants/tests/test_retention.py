"""Retention is released exactly once, even when two calls race."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, connections

from activity.models import ActivityEntry, Visibility
from grants import services
from grants.models import Payment
from grants.services import award_cancel, award_grant, retention_release
from programmes.models import Stage


def _getting_going(area, actor):
    return award_grant(area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=actor)


@pytest.mark.django_db
def test_release_makes_held_payments_payable_once(area, programme_manager, lead_user):
    award = _getting_going(area, programme_manager)
    released = retention_release(area=area, actor=lead_user)
    assert [p.amount for p in released] == [Decimal("1000.00")]
    retention = award.payments.get(kind=Payment.Kind.RETENTION)
    assert retention.status == Payment.Status.SCHEDULED
    assert retention.released_at is not None and retention.due_on is not None
    assert retention_release(area=area, actor=lead_user) == []
    entries = ActivityEntry.objects.filter(verb="grant.retention_released")
    assert entries.count() == 1
    assert entries.get().visibility == Visibility.AREA
    assert "£1,000.00" in entries.get().summary


@pytest.mark.django_db
def test_release_touches_only_this_area_and_live_awards(
    area, other_area, programme_manager, lead_user
):
    _getting_going(other_area, programme_manager)
    cancelled = award_grant(
        area=area, stage=Stage.GOING_FURTHER, amount=Decimal("5000"), actor=programme_manager
    )
    award_cancel(award=cancelled, actor=programme_manager, reason="Withdrawn")
    assert retention_release(area=area, actor=lead_user) == []
    assert Payment.objects.filter(status=Payment.Status.HELD).count() == 1


@pytest.mark.django_db
def test_unknown_condition_is_refused(area, lead_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        retention_release(area=area, condition="moon_landing", actor=lead_user)


@pytest.mark.django_db(transaction=True)
def test_concurrent_release_happens_exactly_once(area, programme_manager, lead_user, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locking (select_for_update) needs PostgreSQL; SQLite serialises whole-database "
            "writes. Run with DATABASE_URL=postgres://... (CI does)."
        )
    _getting_going(area, programme_manager)
    # Widen the window between reading the held rows and writing them, so that without the row
    # lock both threads would read the payment as held and both release it.
    checked = services.PAYMENT.check

    def slow_check(*args, **kwargs):
        time.sleep(0.5)
        return checked(*args, **kwargs)

    monkeypatch.setattr(services.PAYMENT, "check", slow_check)
    start = threading.Barrier(2)
    results, errors = [], []

    def release():
        try:
            close_old_connections()
            start.wait(timeout=10)
            results.append(retention_release(area=area, actor=lead_user))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert sorted(len(r) for r in results) == [0, 1]
    assert ActivityEntry.objects.filter(verb="grant.retention_released").count() == 1
    assert Payment.objects.filter(status=Payment.Status.SCHEDULED).count() == 2
