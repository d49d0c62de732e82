"""Races: two people submitting the same return, confirming the same commitment, or the daily job
running twice over the same schedule. PostgreSQL only (SQLite has no row locks)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry
from delivery import services
from delivery.models import ProgressReturn

from .factories import CommitmentFactory, ImplementingAreaFactory, ProgressReturnFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(fn, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            fn()
            outcomes.append("done")
        except (PermissionDenied, ValidationError):
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_a_return_is_submitted_once():
    area = ImplementingAreaFactory(themes=[])
    lead = UserFactory()
    MembershipFactory(user=lead, organisation=area.lead_organisation)
    ret = ProgressReturnFactory(area=area)
    services.return_save(
        progress_return=ret,
        actor=lead,
        progress_status="ahead",
        factors=[{"factor": "residents", "kind": "enabler", "other_text": ""}],
    )
    outcomes = race(lambda: services.return_submit(progress_return=ret, actor=lead))
    assert outcomes == ["done", "refused"]
    assert ActivityEntry.objects.filter(verb="progress_return.submitted").count() == 1


def test_a_commitment_is_confirmed_once():
    pm = UserFactory(programme_manager=True)
    commitment = CommitmentFactory(application__area__themes=[])
    outcomes = race(lambda: services.commitment_confirm(commitment=commitment, actor=pm))
    assert outcomes == ["done", "refused"]
    assert ActivityEntry.objects.filter(verb="match_funding.confirmed").count() == 1


def test_schedule_run_twice_at_once_creates_each_period_once():
    area = ImplementingAreaFactory(themes=[])
    outcomes = race(lambda: services.returns_schedule(area=area))
    assert outcomes == ["done", "done"]
    starts = list(ProgressReturn.objects.filter(area=area).values_list("period_start", flat=True))
    assert len(starts) == len(set(starts)) > 0
