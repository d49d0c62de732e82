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
