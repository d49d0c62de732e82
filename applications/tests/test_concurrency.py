"""Two managers deciding the same application at once: the row lock lets exactly one through.
Needs PostgreSQL (SQLite has no row locks); skipped elsewhere."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from applications import services
from applications.models import ApplicationStatus
from applications.tests.factories import ApplicationFactory
from grants.models import Award
from programmes.models import Area

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_simultaneous_admissions_create_one_area():
    application = ApplicationFactory(under_assessment=True)
    managers = [UserFactory(programme_manager=True) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(manager):
        try:
            barrier.wait()
            services.application_decide(
                application=application, decision="admit", reasons="", actor=manager
            )
            outcomes.append("admitted")
        except (PermissionDenied, ValidationError) as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("admitted") == 1
    assert Area.objects.count() == 1
    assert Award.objects.count() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED


@pytest.mark.parametrize("attempt", range(3))
def test_leaving_while_a_gate_is_decided_never_deadlocks_or_leaves_money_owed(attempt):
    """area_leave and gate_decide lock the gate and the area in the same order, so whichever
    comes second waits: either the gate is approved first and its new payments are then
    cancelled, or the gate is withdrawn first and the decision is refused."""
    from applications.tests.factories import GateFactory
    from grants.models import Payment

    gate = GateFactory(submitted=True)
    manager, other = UserFactory(programme_manager=True), UserFactory(programme_manager=True)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run(name, call):
        try:
            barrier.wait()
            call()
            outcomes.append(name)
        except (PermissionDenied, ValidationError):
            outcomes.append(f"{name} refused")
        except Exception as exc:  # a deadlock would land here
            errors.append(repr(exc))
        finally:
            connections.close_all()

    leave = threading.Thread(
        target=run,
        args=(
            "left",
            lambda: services.area_leave(
                area=gate.area, outcome="withdrawn", reasons="Closed.", actor=manager
            ),
        ),
    )
    decide = threading.Thread(
        target=run,
        args=(
            "approved",
            lambda: services.gate_decide(
                gate=gate, decision="approve", reasons="Good.", actor=other
            ),
        ),
    )
    for t in (leave, decide):
        t.start()
    for t in (leave, decide):
        t.join()

    assert errors == []
    assert "left" in outcomes
    area = Area.objects.get(pk=gate.area_id)
    assert area.status == "withdrawn"
    owed = Payment.objects.filter(award__area=area).exclude(status__in=["paid", "cancelled"])
    assert not owed.exists()
