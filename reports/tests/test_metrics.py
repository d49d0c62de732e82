import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from reports import metrics

from .known_round import FUNNEL, FUNNEL_FLAGS, PROGRESSION, build_known_round

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 8, 13), (3, 8, 38), (1, 3, 33), (2, 3, 67), (1, 2, 50), (0, 5, 0), (3, 0, 0)],
)
def test_percent_rounds_half_up(part, whole, expected):
    assert metrics.percent(part, whole) == expected


def test_funnel_csv_on_a_hand_built_round():
    rnd, _ = build_known_round()
    rows = list(csv.reader(io.StringIO(run("funnel", "--round", rnd.slug, "--format", "csv"))))
    assert rows[0] == ["stage", "count"]
    assert rows[1:] == [[stage, str(n)] for stage, n in FUNNEL + FUNNEL_FLAGS]


def test_funnel_json_has_numbers():
    rnd, _ = build_known_round()
    data = json.loads(run("funnel", "--round", rnd.slug, "--format", "json"))
    assert data == [{"stage": stage, "count": n} for stage, n in FUNNEL + FUNNEL_FLAGS]


def test_progression_csv_rounds_half_up():
    rnd, _ = build_known_round()
    rows = list(csv.reader(io.StringIO(run("progression", "--round", rnd.slug, "--format", "csv"))))
    assert rows[0] == [
        "organisation_type",
        "admitted",
        "admitted_share_pct",
        "plan_submitted",
        "submitted_rate_pct",
        "plan_signed_off",
        "signed_off_rate_pct",
    ]
    assert rows[1:] == [[str(v) for v in row] for row in PROGRESSION]


def test_progression_json_matches_csv():
    rnd, _ = build_known_round()
    data = json.loads(run("progression", "--round", rnd.slug, "--format", "json"))
    keys = ["organisation_type", *metrics.PROGRESSION_KEYS]
    assert data == [dict(zip(keys, row, strict=True)) for row in PROGRESSION]
    assert isinstance(data[0]["admitted_share_pct"], int)


def test_progression_by_theme_counts_each_theme():
    rnd, _ = build_known_round()
    rows = {r["theme"]: r for r in metrics.round_metrics(rnd).progression_by_theme()}
    assert rows["Housing"]["admitted"] == 2
    assert rows["Housing"]["plan_submitted"] == 2
    assert rows["Housing"]["signed_off_rate_pct"] == 50
    assert rows["Health and wellbeing"]["admitted"] == 8
    assert rows["Total"]["admitted"] == 8


def test_metrics_read_in_a_fixed_number_of_queries(django_assert_num_queries):
    rnd, _ = build_known_round()
    with django_assert_num_queries(3):
        metrics.round_metrics(rnd).funnel()


def test_an_empty_round_is_all_zeros():
    from programmes.tests.factories import RoundFactory

    rnd = RoundFactory(slug="empty")
    data = json.loads(run("progression", "--round", "empty", "--format", "json"))
    assert data[-1] == {
        "organisation_type": "Total",
        "admitted": 0,
        "admitted_share_pct": 0,
        "plan_submitted": 0,
        "submitted_rate_pct": 0,
        "plan_signed_off": 0,
        "signed_off_rate_pct": 0,
    }
    assert rnd.slug == "empty"


def test_unknown_round_is_a_command_error():
    with pytest.raises(CommandError, match="No round with slug nope"):
        run("funnel", "--round", "nope")
