"""The review queue filters in the database and pages 25 at a time, so its queries and its page
size stay the same however many plans wait."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import SignOff, SignOffParty
from plans.workflows import PlanStatus
from programmes.tests.factories import AreaFactory, RoundFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db
URL = reverse("plans:review_queue")


def _plans(rnd, n, *, days=5, **kwargs):
    plans = []
    for _ in range(n):
        submitted = timezone.now() - datetime.timedelta(days=days)
        plans.append(
            PlanFactory(
                area=AreaFactory(round=rnd),
                under_review=True,
                final_submitted_at=submitted,
                **kwargs,
            )
        )
    return plans


def _sign(plan, party):
    SignOff.objects.create(plan=plan, party=party, signed_at=timezone.now(), imported=True)


@pytest.mark.parametrize("n", [3, 30])
def test_queue_pages_in_flat_queries(client_for, pm, django_assert_max_num_queries, n):
    rnd = RoundFactory(review_target_days=30)
    _plans(rnd, n)
    _plans(rnd, 2, days=40)  # overdue, and the oldest: first in the queue
    client = client_for(pm)
    client.get(URL)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    total = n + 2
    assert len(response.context["plans"]) == min(total, 25)
    html = response.content.decode()
    assert f"{total} plans waiting" in html and "2 overdue" in html
    assert ("Page 1 of 2" in html) == (total > 25)
    if total > 25:
        with django_assert_max_num_queries(12):
            page2 = client.get(URL + "?page=2")
        assert len(page2.context["plans"]) == total - 25


def test_filters_run_in_the_database(client_for, pm, funder):
    rnd = RoundFactory(review_target_days=30, sign_off_order="parallel")
    other = RoundFactory(review_target_days=30)
    started = PlanFactory(area=AreaFactory(round=rnd), final_submitted=True)
    pm_signed, funder_signed = _plans(rnd, 2)
    _sign(pm_signed, SignOffParty.PROGRAMME_MANAGER)
    _sign(funder_signed, SignOffParty.FUNDER)
    (late,) = _plans(other, 1, days=45)

    def refs(client, query):
        plans = client.get(URL + query).context["plans"]
        return {p.pk for p in plans}

    as_pm = client_for(pm)
    assert refs(as_pm, "?show=overdue") == {late.pk}
    assert refs(as_pm, f"?round={other.slug}") == {late.pk}
    assert refs(as_pm, f"?status={PlanStatus.FINAL_SUBMITTED}") == {started.pk}
    assert refs(as_pm, "?show=mine") == {started.pk, funder_signed.pk, late.pk}
    assert refs(as_pm, f"?show=mine&round={rnd.slug}&page=1") == {started.pk, funder_signed.pk}
    assert refs(client_for(funder), "?show=mine") == {pm_signed.pk, late.pk}


def test_the_review_queue_index_covers_the_awaiting_review_states():
    """The partial index names its states as literals: they must stay AWAITING_REVIEW's, or the
    review queue (and My work's plans to review) stops using it."""
    from plans.models import OperationalPlan
    from plans.workflows import AWAITING_REVIEW

    index = {i.name: i for i in OperationalPlan._meta.indexes}["plan_awaiting_review_by_sent"]
    assert index.condition.children == [("status__in", sorted(AWAITING_REVIEW))]


@pytest.mark.parametrize(
    "today", [datetime.date(2026, 7, 20), datetime.date(2026, 1, 20)], ids=["summer", "winter"]
)
def test_overdue_is_by_the_local_date_of_final_submission(client_for, pm, today):
    """Overdue compares the final submission's local (UK) date with the round's target, read as
    a range of times: a plan sent at 00:30 local time on the last day in time is not overdue,
    one sent at 23:30 local time the day before is, in summer time and in winter alike."""
    from plans.selectors import review_queue, review_queue_overdue_count

    rnd = RoundFactory(review_target_days=30)
    since = today - datetime.timedelta(days=30)
    local = timezone.get_current_timezone()
    in_time = PlanFactory(
        area=AreaFactory(round=rnd),
        under_review=True,
        final_submitted_at=datetime.datetime.combine(since, datetime.time(0, 30), tzinfo=local),
    )
    late = PlanFactory(
        area=AreaFactory(round=rnd),
        under_review=True,
        final_submitted_at=datetime.datetime.combine(
            since - datetime.timedelta(days=1), datetime.time(23, 30), tzinfo=local
        ),
    )
    overdue = review_queue(user=pm, rounds=[rnd], show="overdue", today=today)
    assert list(overdue) == [late]
    everything = review_queue(user=pm, rounds=[rnd], today=today)
    assert review_queue_overdue_count(everything, rounds=[rnd], today=today) == 1
    assert in_time in everything
