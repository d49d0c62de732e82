"""Two final submissions at the same moment (a double click, two colleagues): the plan row lock
makes one wait, and the second then finds the plan already submitted. PostgreSQL only: SQLite
serialises writers anyway and has no row locks."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from grants.models import Payment
from grants.services import award_grant
from plans import services
from plans.models import PlanVersion
from programmes.models import Stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_final_submissions_freeze_one_version_and_release_once(ready_plan, author, pm):
    award_grant(area=ready_plan.area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=pm)
    services.plan_submit_draft(plan=ready_plan, user=author)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.plan_submit_final(plan=ready_plan, user=author)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    assert PlanVersion.objects.filter(plan=ready_plan, kind="final").count() == 1
    retention = Payment.objects.get(award__area=ready_plan.area, kind=Payment.Kind.RETENTION)
    assert retention.status == Payment.Status.SCHEDULED
