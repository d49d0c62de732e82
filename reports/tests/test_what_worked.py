"""What worked, for whom (issue 24): every figure checked against the small round worked out by
hand in `what_worked_round`, the suppression of groups under five, the command's CSV, the
downloads, the open data (no personal data), the page's access and query count, and the PDF
chapter."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from delivery.models import IndicatorValue
from plans.models import LogicModel, OutcomeIndicator
from plans.tests.factories import LogicModelFactory
from programmes.services import area_deprivation_record
from reports import charts
from reports.models import ReportKind
from reports.rendering import report_pdf
from reports.sections import ReportContext
from reports.what_worked import (
    COLUMNS,
    MEASURES,
    OPEN_DATA_COLUMNS,
    SUPPRESSED,
    dictionary_rows,
    open_data_rows,
    what_worked,
)

from .what_worked_round import build_what_worked_round

pytestmark = pytest.mark.django_db


def _figures(result):
    """(dimension, group, measure) -> (n, value as published)."""
    header, *body = result.rows()
    return {(r[1], r[2], r[4]): (r[7], r[8]) for r in body if r[0] == "measures"}


def _indicator(area, *, value=None, progress_return=None):
    """One outcome indicator of `area` (0 to 10 by 2030, higher is better) and, with `value`, its
    value reported in `progress_return`."""
    model = LogicModel.objects.filter(area=area).first() or LogicModelFactory(area=area)
    indicator = OutcomeIndicator.objects.create(
        row=model.rows.first(),
        name="Residents volunteering",
        unit="count",
        baseline_value=Decimal("0"),
        baseline_on=datetime.date(2024, 1, 1),
        target_value=Decimal("10"),
        target_on=datetime.date(2030, 1, 1),
        direction="higher",
    )
    if value is not None:
        IndicatorValue.objects.create(
            progress_return=progress_return, indicator=indicator, value=Decimal(value)
        )
    return indicator


def test_outcome_indicators_on_track_or_achieved_by_group_worked_out_by_hand():
    """Issue 24: "results (indicators on track or achieved ...)". Community: A1, A2, A4 and A5
    report 10 of a target of 10 (achieved), A3 reports 0 where the line from 0 in 2024 to 10 in
    2030 expects more (behind); A1's second indicator has no value and does not count. So 4 of 5
    reported indicators, n = 5 areas: 80%. Public: only B1 reports (achieved): n = 1,
    suppressed. All areas: 5 of 6 = 83%, n = 6."""
    rnd, areas = build_what_worked_round()
    for name, value in (("A1", "10"), ("A2", "10"), ("A3", "0"), ("A4", "10"), ("A5", "10")):
        _indicator(areas[name], value=value, progress_return=areas[f"{name}-return"])
    _indicator(areas["A1"])
    b1_return = areas["B1"].progress_returns.get()
    _indicator(areas["B1"], value="12", progress_return=b1_return)
    f = _figures(what_worked(rnd))
    assert f[("organisation_group", "community", "indicators_on_track")] == (5, 80)
    assert f[("organisation_group", "public", "indicators_on_track")] == (1, SUPPRESSED)
    assert f[("all", "all", "indicators_on_track")] == (6, 83)


def test_measures_by_group_match_the_figures_worked_out_by_hand():
    rnd, _ = build_what_worked_round()
    f = _figures(what_worked(rnd))
    community = {m: f[("organisation_group", "community", m)] for m in [x.key for x in MEASURES]}
    assert community["adviser_days"] == (5, Decimal("0.7"))
    assert community["support_contacts"] == (5, Decimal("0.8"))
    assert community["events_attended"] == (5, Decimal("0.2"))
    assert community["peer_reviews_given"] == (5, Decimal("0.2"))
    assert community["peer_reviews_received"] == (5, Decimal("0.4"))
    assert community["reached_getting_going"] == (5, 60)
    assert community["reached_implementation"] == (5, 40)
    assert community["left"] == (5, 20)
    assert community["withdrew"] == (5, 20)
    assert community["not_progressed"] == (5, 0)
    assert community["on_schedule_or_ahead"] == (5, 40)
    assert community["cba_outturn_vs_forecast"] == (5, 74)
    # Fewer than five areas counted: withheld, with the n still given.
    assert community["cba_support"] == (0, SUPPRESSED)
    assert community["days_getting_ready"] == (0, SUPPRESSED)
    # The public group has three areas: every figure is withheld.
    for m in MEASURES:
        n, value = f[("organisation_group", "public", m.key)]
        assert n <= 3 and value == SUPPRESSED, m.key
    assert f[("organisation_group", "public", "adviser_days")][0] == 3
    # All eight areas.
    assert f[("all", "all", "reached_getting_going")] == (8, 50)
    assert f[("all", "all", "reached_implementation")] == (8, 38)  # 37.5 rounds half up
    assert f[("all", "all", "on_schedule_or_ahead")] == (6, 50)
    # By approach: the five community areas are the specific ones.
    assert f[("approach", "specific", "adviser_days")] == (5, Decimal("0.7"))
    assert f[("approach", "general", "adviser_days")] == (3, SUPPRESSED)
    # Deprivation: nothing recorded, so every area is "not recorded".
    assert f[("deprivation", "not_recorded", "reached_getting_going")] == (8, 50)
    assert f[("deprivation", "most_deprived", "reached_getting_going")] == (0, SUPPRESSED)
    assert f[("theme", "health-and-wellbeing", "reached_getting_going")] == (8, 50)


def test_deprivation_bands_follow_the_recorded_deciles(programme_manager):
    rnd, areas = build_what_worked_round()
    for name in ["A1", "A2", "A3", "A4", "A5"]:
        area_deprivation_record(area=areas[name], decile=2, actor=programme_manager)
    area_deprivation_record(area=areas["B1"], decile=9, actor=programme_manager)
    f = _figures(what_worked(rnd))
    assert f[("deprivation", "most_deprived", "reached_getting_going")] == (5, 60)
    assert f[("deprivation", "least_deprived", "reached_getting_going")] == (1, SUPPRESSED)
    assert f[("deprivation", "not_recorded", "reached_getting_going")] == (2, SUPPRESSED)


def test_deprivation_decile_is_recorded_by_managers_only_and_within_one_to_ten(
    programme_manager, relationship_manager
):
    rnd, areas = build_what_worked_round()
    with pytest.raises(PermissionDenied):
        area_deprivation_record(area=areas["A1"], decile=3, actor=relationship_manager)
    with pytest.raises(ValidationError):
        area_deprivation_record(area=areas["A1"], decile=11, actor=programme_manager)
    areas["A1"].refresh_from_db()
    assert areas["A1"].deprivation_decile is None


def test_cba_forecast_against_outturn_by_benefit_type():
    rnd, _ = build_what_worked_round()
    result = what_worked(rnd)
    fiscal = {k: (c.n, c.shown) for k, c in result.cba["fiscal"].items()}
    assert fiscal == {
        "forecast_before_bias": (5, Decimal("50000.00")),
        "forecast": (5, Decimal("40000.00")),
        "outturn": (5, Decimal("30000.00")),
        "outturn_pct_of_forecast": (5, 75),
        "assumed_optimism_pct": (5, 20),
        "observed_shortfall_pct": (5, 40),
    }
    costs = result.cba["costs"]
    assert (costs["outturn"].shown, costs["outturn_pct_of_forecast"].shown) == (
        Decimal("27500.00"),
        110,
    )
    assert costs["assumed_optimism_pct"].shown is None  # no optimism bias on costs
    assert result.cba["social"]["outturn"].n == 2
    assert result.cba["social"]["outturn"].shown == SUPPRESSED


def test_obstacles_and_enablers_by_group_and_stage():
    rnd, _ = build_what_worked_round()
    result = what_worked(rnd)
    cell = result.factors
    assert (
        cell[("staff_skills", "obstacle", "organisation_group", "community")].n,
        cell[("staff_skills", "obstacle", "organisation_group", "community")].shown,
    ) == (5, 2)
    assert cell[("funding_secured", "obstacle", "organisation_group", "community")].shown == 1
    # The draft return's "leadership" tick does not count: only A1's.
    assert cell[("leadership", "enabler", "organisation_group", "community")].shown == 1
    assert cell[("staff_skills", "obstacle", "all", "all")].shown == 2
    assert cell[("staff_skills", "obstacle", "all", "all")].n == 6
    assert cell[("staff_skills", "obstacle", "organisation_group", "public")].shown == SUPPRESSED
    # By stage: three implementing areas have returns (A1, A2, B1): withheld.
    implementing = cell[("staff_skills", "obstacle", "stage", "implementation")]
    assert (implementing.n, implementing.shown) == (3, SUPPRESSED)


def test_report_what_worked_command_writes_one_row_per_group_and_measure():
    rnd, _ = build_what_worked_round()
    out = io.StringIO()
    call_command("report", "what_worked", "--round", rnd.slug, "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == COLUMNS
    by_key = {(r["table"], r["dimension"], r["group"], r["measure"]): r for r in rows}
    row = by_key[("measures", "organisation_group", "community", "adviser_days")]
    assert (row["n"], row["value"]) == ("5", "0.7")
    row = by_key[("measures", "organisation_group", "public", "adviser_days")]
    assert (row["n"], row["value"]) == ("3", "suppressed")
    row = by_key[("cba_forecast_vs_outturn", "benefit_type", "fiscal", "observed_shortfall_pct")]
    assert (row["n"], row["value"]) == ("5", "40")
    # Every group of every dimension has every measure once.
    measures = [r for r in rows if r["table"] == "measures"]
    groups = {(r["dimension"], r["group"]) for r in measures}
    assert len(measures) == len(groups) * len(MEASURES)


def test_report_what_worked_refuses_an_unknown_round():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No round"):
        call_command("report", "what_worked", "--round", "nope", stdout=io.StringIO())


def test_open_data_has_only_suppressed_aggregates_and_no_personal_data():
    rnd, areas = build_what_worked_round()
    rows = open_data_rows(what_worked(rnd))
    assert rows[0] == OPEN_DATA_COLUMNS
    text = "\n".join(",".join(str(v) for v in row) for row in rows)
    for name in ["A1", "A2", "A3", "A4", "A5", "B1"]:
        area = areas[name]
        for secret in (area.name, area.reference, area.lead_organisation.name):
            assert secret not in text
    assert "@" not in text and "Ms Jones" not in text
    for row in rows[1:]:
        n, value = row[OPEN_DATA_COLUMNS.index("n")], row[OPEN_DATA_COLUMNS.index("value")]
        assert isinstance(n, int)
        if n < 5:
            assert value == SUPPRESSED
        else:
            assert value is None or isinstance(value, (int, Decimal))


def test_the_data_dictionary_explains_every_column_and_measure():
    names = {row[1] for row in dictionary_rows()[1:]}
    assert set(OPEN_DATA_COLUMNS) <= names
    assert {m.key for m in MEASURES} <= names
    assert "suppression" in names


@pytest.mark.parametrize(
    "user_kind, status",
    [("programme_manager", 200), ("funder", 200), ("admin", 200), ("rm", 403), ("lead", 403)],
)
def test_who_sees_the_what_worked_page(client, user_kind, status):
    rnd, areas = build_what_worked_round()
    users = {
        "programme_manager": lambda: UserFactory(programme_manager=True),
        "funder": lambda: UserFactory(funder_officer=True),
        "admin": lambda: UserFactory(admin=True),
        "rm": lambda: UserFactory(relationship_manager=True),
        "lead": lambda: UserFactory(),
    }
    client.force_login(users[user_kind]())
    url = reverse("reports:what_worked", args=[rnd.slug])
    assert client.get(url).status_code == status
    for name in ("what_worked_csv", "what_worked_xlsx", "what_worked_open_data"):
        assert client.get(reverse(f"reports:{name}", args=[rnd.slug])).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client):
    rnd, _ = build_what_worked_round()
    response = client.get(reverse("reports:what_worked", args=[rnd.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_shows_every_figure_with_its_n_and_suppression(client, programme_manager):
    rnd, _ = build_what_worked_round()
    client.force_login(programme_manager)
    html = client.get(reverse("reports:what_worked", args=[rnd.slug])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # All areas: (2.0 + 1.0 + 0.5) / 8 = 0.4375 -> 0.4; community 3.5 / 5 = 0.7; public withheld.
    assert "Adviser days delivered (mean per area) 0.4 n=8 0.7 n=5 suppressed n=3" in text
    assert "Reached implementation or further (% of n) 38% n=8 40% n=5 suppressed n=3" in text
    assert "Fiscal benefits 5 £50,000.00 £40,000.00 £30,000.00 75% 20% 40%" in text
    assert "chart.umd.min.js" in html
    by_approach = client.get(
        reverse("reports:what_worked", args=[rnd.slug]) + "?by=approach"
    ).content.decode()
    assert "Specific service proposition" in by_approach


def test_the_page_reads_a_fixed_number_of_queries(
    client, programme_manager, django_assert_max_num_queries
):
    small, _ = build_what_worked_round(slug="small-round")
    big, _ = build_what_worked_round(slug="big-round", extra_public_areas=12)
    client.force_login(programme_manager)
    counts = []
    for rnd in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:what_worked", args=[rnd.slug])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(reverse("reports:what_worked", args=[big.slug]))


def test_the_xlsx_keeps_numbers_as_numbers(client, programme_manager):
    rnd, _ = build_what_worked_round()
    client.force_login(programme_manager)
    response = client.get(reverse("reports:what_worked_xlsx", args=[rnd.slug]))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    fiscal = next(r for r in rows if r[2] == "fiscal" and r[4] == "forecast")
    assert fiscal[7] == 5 and fiscal[8] == 40000


def test_withheld_figures_read_suppressed_in_the_charts():
    svg = charts.grouped_hbars(["Adviser days"], [("All", [0.4]), ("Public", [None])])
    assert "suppressed" in svg and "0.4" in svg


def test_the_programme_pdf_has_the_what_worked_chapter(read_pdf):
    rnd, _ = build_what_worked_round()
    text = re.sub(
        r"\s+", " ", read_pdf(report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=rnd)))
    )
    assert "What worked, for whom" in text
    assert "0.4 n=8 0.7 n=5 suppressed n=3" in text
    assert "38% n=8 40% n=5 suppressed n=3" in text
    cba = text[text.rfind("CBA forecast against outturn") :]
    # The row's label wraps in the PDF's narrow first column.
    assert "Fiscal 5 £50,000.00 £40,000.00 £30,000.00 75% 20% 40% benefits" in cba, cba[:900]
    assert "Social 2 suppressed" in cba


def test_a_group_with_no_areas_reads_as_a_dash_not_suppressed():
    """Nothing is withheld from a group nobody is in: "suppressed (n=0)" suggested areas were
    being hidden. One to four areas are still suppressed."""
    from reports.what_worked import Cell
    from reports.what_worked.presentation import figure_text

    assert figure_text(Cell(0), "percent") == "—"
    assert figure_text(Cell(3), "percent") == "suppressed"
    assert figure_text(Cell(6, 50), "percent") == "50%"
