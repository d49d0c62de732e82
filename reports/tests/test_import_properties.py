"""Property-based tests of the CRM importer (issue 11): whatever file it is given, it either
imports or fails with ``line N, column C: message`` problems; never an unhandled exception, never
a partial write."""

import csv
import io
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.imports import COLUMNS, ImportFailed, records_import

from .test_import import ROWS, snapshot

pytestmark = pytest.mark.django_db

PROBLEM = re.compile(r"^line \d+, column .+?: .+", re.DOTALL)
HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALID_ROWS = [next(csv.reader([row])) for row in ROWS]
NASTY = st.sampled_from(
    [
        "",
        " ",
        "yes",
        "no",
        "approved",
        "Admitted",
        "not approved",
        "returned",
        "withdrawn",
        "general",
        "SPECIFIC",
        "VCS body",
        "2024-02-30",
        "2024-01-10",
        "1900-01-01",
        "9999-12-31",
        "R1-001",
        "r1",
        "Housing;Housing",
        "Housing;Young people",
        '=HYPERLINK("http://evil.example/")',
        "a,b",
        'quote " inside',
        "line\nbreak",
        "é" * 250,
        "\x00",
    ]
)
CELL = st.one_of(NASTY, st.text(max_size=30))


@st.composite
def rows(draw):
    """A record that starts from a good one and has some cells replaced by odd values, or a
    row of the wrong length."""
    row = list(draw(st.sampled_from(VALID_ROWS)))
    if draw(st.booleans()):
        row[0] = draw(st.sampled_from(["R1-001", "R1-002", "R1-010", "R1-011", "X"]))
    for _ in range(draw(st.integers(0, 3))):
        row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
    if draw(st.integers(0, 9)) == 0:
        row = row[: draw(st.integers(0, len(row)))]
    return row


@st.composite
def files(draw):
    header = list(COLUMNS)
    if draw(st.integers(0, 9)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", "ref", "round"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(draw(st.lists(rows(), min_size=0, max_size=6)))
    return out.getvalue()


def _import(tmp_path, text: str | bytes, round_slug="r1"):
    """Import the file in a savepoint that is rolled back afterwards, so every example starts
    from the same database; return the problems (empty when it imported)."""
    path = tmp_path / "crm.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = snapshot()
    with transaction.atomic():
        try:
            records_import(path=path, round_slug=round_slug)
        except ImportFailed as failed:
            assert failed.errors, "a failed import names its problems"
            for problem in failed.errors:
                assert PROBLEM.match(problem), problem
            assert snapshot() == before, "a failed import wrote something"
            problems = failed.errors
        else:
            problems = []
        transaction.set_rollback(True)
    return problems


@pytest.fixture
def round_r1():
    from programmes.tests.factories import RoundFactory

    return RoundFactory(slug="r1")


@HYPOTHESIS
@given(text=files())
def test_any_csv_imports_or_fails_line_by_line(round_r1, tmp_path, text):
    _import(tmp_path, text)


@HYPOTHESIS
@given(data=st.binary(max_size=200))
def test_any_bytes_import_or_fail_line_by_line(round_r1, tmp_path, data):
    _import(tmp_path, data)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=files())
def test_a_file_for_a_new_round_imports_or_fails_line_by_line(tmp_path, text):
    _import(tmp_path, text.replace(",r1,", ",pilot,"), round_slug="pilot")


def test_the_good_file_imports(round_r1, tmp_path):
    """The generator starts from a file that imports, so examples explore both outcomes."""
    header = ",".join(COLUMNS)
    assert _import(tmp_path, "\n".join([header, *ROWS]) + "\n") == []


def test_a_nul_character_is_reported_with_its_row_and_column(round_r1, tmp_path):
    """Found by the property above on PostgreSQL: a NUL in a cell reached the database, which
    refuses it (ValueError) instead of the import reporting the cell."""
    header = ",".join(COLUMNS)
    cells = ROWS[0].split(",")
    cells[COLUMNS.index("area_name")] = "Ch\x00eam"
    errors = _import(tmp_path, "\n".join([header, ",".join(cells)]) + "\n")
    assert any("area_name" in str(e) and "NUL character" in str(e) for e in errors), errors
