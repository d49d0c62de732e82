"""The dashboard and programme metrics at two sizes: the database does the counting (grouped by
organisation type and theme), query counts stay flat, and the dashboard lists only the
longest-waiting plans with a link to the paged review queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.tests.factories import PlanFactory
from programmes.tests.factories import AreaFactory
from reports import metrics
from reports.selectors import DASHBOARD_AWAITING_LIMIT

from .known_round import FUNNEL, build_known_round

pytestmark = pytest.mark.django_db


def _grow(rnd, n):
    for _ in range(n):
        area = AreaFactory(round=rnd)
        PlanFactory(area=area, under_review=True)


@pytest.mark.parametrize("extra", [1, 8])
def test_metrics_are_counted_by_the_database_at_two_sizes(django_assert_num_queries, extra):
    rnd, _ = build_known_round()
    _grow(rnd, extra)
    with CaptureQueriesContext(connection) as ctx, django_assert_num_queries(3):
        data = metrics.round_metrics(rnd)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 2  # by organisation type and by theme
    known = dict(FUNNEL)
    funnel = {s["stage"]: s["count"] for s in data.funnel()}
    assert funnel["admitted"] == known["admitted"] + extra
    assert funnel["plan_submitted"] == known["plan_submitted"] + extra
    assert funnel["plan_signed_off"] == known["plan_signed_off"]
    by_org_type = data.progression_by_org_type()
    assert by_org_type[-1]["admitted"] == funnel["admitted"]
    assert sum(r["admitted"] for r in by_org_type[:-1]) == funnel["admitted"]


@pytest.mark.parametrize("extra", [2, DASHBOARD_AWAITING_LIMIT + 5])
def test_dashboard_lists_a_few_awaiting_plans_in_flat_queries(
    client_for, programme_manager, django_assert_max_num_queries, extra
):
    rnd, _ = build_known_round()
    _grow(rnd, extra)
    client = client_for(programme_manager)
    url = reverse("reports:dashboard", args=[rnd.slug])
    client.get(url)
    with django_assert_max_num_queries(16):
        html = client.get(url).content.decode()
    awaiting = html[html.index('id="h-awaiting"') :]
    rows = awaiting.count("<tr>") - 1  # less the header row
    total = extra + 2  # KR-002 and KR-005 of the known round
    assert rows == min(total, DASHBOARD_AWAITING_LIMIT)
    link = "See them all in the review queue"
    assert (link in awaiting) == (total > DASHBOARD_AWAITING_LIMIT)
    assert reverse("plans:review_queue") in awaiting or total <= DASHBOARD_AWAITING_LIMIT


def _dashboard_queries(client, rnd) -> list[str]:
    url = reverse("reports:dashboard", args=[rnd.slug])
    client.get(url)  # the session and the user, as on any later view
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_dashboard_counts_a_small_and_a_larger_round_in_the_same_few_queries(
    client_for, programme_manager
):
    """Counted afresh (the test settings keep no figures): 13 queries here whatever the size; the
    bench's sessions add a second-factor device and a notification update, 15 in all."""
    client = client_for(programme_manager)
    rnd, _ = build_known_round()
    _grow(rnd, 1)
    small = _dashboard_queries(client, rnd)
    _grow(rnd, 20)
    larger = _dashboard_queries(client, rnd)
    assert len(small) == len(larger) <= 13
