"""The dashboard's cached round figures (reports/freshness.py): counted once per data version and
day, and counted again as soon as a change to what they read commits, whichever way it was
written: a service (it records activity, even when it writes with `QuerySet.update()`), a bulk
import (activity recorded in bulk) or an edit that records nothing (the admin's forms)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.services import activity_entry, activity_record, activity_record_many
from plans.models import OperationalPlan
from plans.workflows import PlanStatus
from programmes.models import OrganisationType
from reports import freshness, selectors

from .known_round import build_known_round

# Real commits: the version moves after a commit, which a test inside one transaction never has.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cached(settings):
    settings.REPORTS_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def _without_csrf(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", html)  # the page's CSRF token changes per request


def _funnel(rnd, today=None) -> dict:
    return {s["stage"]: s["count"] for s in selectors.dashboard(round=rnd, today=today)["funnel"]}


def _vcs(rnd) -> dict:
    rows = selectors.dashboard(round=rnd)["by_org_type"]
    return next(r for r in rows if r["organisation_type"] == OrganisationType.VCS.label)


def test_a_second_view_reads_the_figures_from_the_cache(cached, client_for, programme_manager):
    rnd, _ = build_known_round()
    client = client_for(programme_manager)
    url = reverse("reports:dashboard", args=[rnd.slug])
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(url).content.decode()
    assert _without_csrf(again) == _without_csrf(html)
    counted = [q["sql"] for q in first.captured_queries if "GROUP BY" in q["sql"]]
    assert counted  # the first view counted the round
    assert not [q["sql"] for q in second.captured_queries if "GROUP BY" in q["sql"]]
    assert len(second.captured_queries) <= len(first.captured_queries) - 9


def test_a_change_by_a_service_counts_again_even_when_it_writes_with_update(cached):
    rnd, areas = build_known_round()
    assert _funnel(rnd)["plan_signed_off"] == 1
    under_review = OperationalPlan.objects.get(area__round=rnd, status=PlanStatus.UNDER_REVIEW)
    with transaction.atomic():
        # No save signal: only the activity entry every state-changing service writes tells.
        OperationalPlan.objects.filter(pk=under_review.pk).update(status=PlanStatus.SIGNED_OFF)
        activity_record(verb="plan.signed_off", summary="Signed off", area=under_review.area)
    assert _funnel(rnd)["plan_signed_off"] == 2


def test_an_edit_that_records_no_activity_counts_again(cached, django_capture_on_commit_callbacks):
    rnd, areas = build_known_round()
    assert _vcs(rnd)["admitted"] == 4
    organisation = next(
        a.lead_organisation for a in areas if a.lead_organisation.org_type == OrganisationType.VCS
    )
    organisation.org_type = OrganisationType.LOCAL_AUTHORITY  # as the admin's form saves it
    organisation.save()
    assert _vcs(rnd)["admitted"] == 3


def test_activity_recorded_in_bulk_counts_again(cached):
    rnd, _ = build_known_round()
    assert _funnel(rnd)["plan_signed_off"] == 1
    plan = OperationalPlan.objects.get(area__round=rnd, status=PlanStatus.UNDER_REVIEW)
    with transaction.atomic():
        OperationalPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SIGNED_OFF)
        activity_record_many([activity_entry(verb="plan.signed_off", summary="x", area=plan.area)])
    assert _funnel(rnd)["plan_signed_off"] == 2


def test_the_version_moves_once_per_transaction_and_only_after_its_commit(cached):
    rnd, areas = build_known_round()
    before = freshness.data_version()
    with CaptureQueriesContext(connection) as writes, transaction.atomic():
        for area in areas:
            area.save()  # eight writes in one transaction
        assert freshness.data_version() == before
    bumps = [
        q for q in writes.captured_queries if q["sql"].startswith('UPDATE "reports_dataversion')
    ]
    assert len(bumps) == 1
    assert freshness.data_version() == before + 1


def test_a_rolled_back_change_leaves_the_version(cached):
    rnd, areas = build_known_round()
    before = freshness.data_version()
    with transaction.atomic():
        with transaction.atomic():  # a savepoint, rolled back
            areas[0].save()
            transaction.set_rollback(True)
        assert freshness.data_version() == before
        areas[1].save()  # due again: the rolled-back savepoint took the first bump with it
    assert freshness.data_version() == before + 1


def test_another_day_counts_again(cached):
    rnd, _ = build_known_round()
    today = datetime.date(2026, 6, 1)
    _funnel(rnd, today)
    with CaptureQueriesContext(connection) as same_day:
        _funnel(rnd, today)
    with CaptureQueriesContext(connection) as next_day:
        _funnel(rnd, today + datetime.timedelta(days=1))
    assert len(same_day.captured_queries) == 1  # the data version
    assert len(next_day.captured_queries) > 1


def test_without_a_cache_lifetime_every_view_counts(settings):
    settings.REPORTS_CACHE_SECONDS = 0
    rnd, _ = build_known_round()
    _funnel(rnd)
    with CaptureQueriesContext(connection) as again:
        _funnel(rnd)
    assert len(again.captured_queries) > 1
