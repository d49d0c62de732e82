"""Drop-out tells apart moved on, still in progress and left, on a hand-made round."""

import re

import pytest

from core.testing import today
from reports import drop_out

from .known_round import build_known_round
from .waiting_round import DROP_OUT, build_waiting_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_each_step_splits_into_moved_on_in_progress_and_left():
    rnd, _ = build_waiting_round()
    result = drop_out.drop_out(rnd, as_at=today())
    got = [(s.moved_on, s.in_progress, s.left, s.median_wait, s.longest_wait) for s in result.steps]
    assert got == DROP_OUT
    assert [s.total for s in result.steps] == [14, 9, 7, 5, 4]
    assert result.as_at == today()


def test_plans_in_review_are_not_counted_as_lost():
    rnd, _ = build_waiting_round()
    last = drop_out.drop_out(rnd, as_at=today()).steps[-1]
    # The old table said 3 of 4 were "lost" (75%); one left, two are still in review.
    assert (last.moved_on_pct, last.in_progress_pct, last.left_pct) == (25, 50, 25)


def test_a_decided_round_has_nothing_in_progress_where_everyone_is_decided():
    rnd, _ = build_known_round()
    steps = drop_out.drop_out(rnd, as_at=today()).steps
    # 11 applications: 8 admitted, 3 rejected; nothing waiting.
    assert (steps[0].moved_on, steps[0].in_progress, steps[0].left) == (8, 0, 3)
    # Getting Going: 6 applied; 4 approved, 2 refused (left), none waiting.
    assert (steps[2].moved_on, steps[2].in_progress, steps[2].left) == (4, 0, 2)


def test_drop_out_is_one_query(django_assert_num_queries):
    rnd, _ = build_waiting_round()
    with django_assert_num_queries(1):
        drop_out.drop_out(rnd, as_at=today())


def test_dashboard_shows_the_three_outcomes_as_at_today(client_for, programme_manager):
    from django.urls import reverse

    rnd, _ = build_waiting_round()
    html = client_for(programme_manager).get(reverse("reports:dashboard", args=[rnd.slug]))
    html = re.sub(r"\s+", " ", html.content.decode())
    table = html[html.index('id="drop-out-as-at"') :]
    table = table[: table.index("</table>")]
    assert f"Figures as at {today():%-d %B %Y}" in table
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    last = [re.sub(r"<div.*", "", c).strip() for c in cells[-5:]]
    assert last == ["4", "1 (25%)", "2 (50%)", "85, 130", "1 (25%)"]
    assert "Lost" not in table
