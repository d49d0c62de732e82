"""Imports stay bounded whatever the file holds: a file of thousands of bad lines lists its first
hundred problems and counts the rest; the imports list never loads a job's problems; an
oversized cell, bytes that are not UTF-8 and broken CSV quoting are problems of the file
(``line N, column C: message``), so the job offers no Retry that could only fail again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.models import Application
from programmes.models import Area, Programme
from reports import services
from reports.imports import ImportFailed, records_import
from reports.models import ImportJob, JobStatus
from reports.tests.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})[0]


def _bytes(lines) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _imported(user, data: bytes) -> ImportJob:
    """The job for an upload of `data`, after the worker's run (called as the task calls it)."""
    job = services.import_request(
        actor=user, upload=SimpleUploadedFile("crm.csv", data), round_slug="r1"
    )
    services.import_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _page(client, job) -> str:
    return client.get(reverse("reports:import_detail", args=[job.pk])).content.decode()


def _assert_failed_with_no_retry(client, job):
    """Failed because of the file: nothing written, no error, no Retry (refused if posted)."""
    assert job.status == JobStatus.FAILED and not job.error
    assert not Application.objects.exists() and not Area.objects.exists()
    page = _page(client, job)
    assert "Upload a corrected file" in page and ">Retry<" not in page
    refused = client.post(reverse("reports:import_retry", args=[job.pk]), follow=True)
    assert "The file has problems: correct it and upload it again." in refused.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


# --- Thousands of problems --------------------------------------------------------------------


def test_thousands_of_bad_lines_list_the_first_hundred_and_count_the_rest(
    client_for, programme, programme_manager
):
    job = _imported(programme_manager, _bytes(["x"] * 5000))
    assert job.problem_count == 5000
    assert len(job.problems) == 100
    assert job.problems[0] == "line 2, column reference: expected 15 cells, found 1."
    assert job.problems[-1] == "line 101, column reference: expected 15 cells, found 1."
    client = client_for(programme_manager)
    page = _page(client, job)
    assert "Nothing was imported: 5,000 problems in the file" in page
    assert "line 101, column reference" in page and "line 102, column reference" not in page
    assert "and 4,900 more" in page
    _assert_failed_with_no_retry(client, job)


def test_the_cap_counts_problems_found_while_writing_too(programme, tmp_path, monkeypatch):
    from reports.imports import live

    monkeypatch.setattr(
        live,
        "live_area_problems",
        lambda records, areas: [f"line {r.line}, column reference: live." for r in records] * 50,
    )
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes(ROWS))
    with pytest.raises(ImportFailed) as failed:
        records_import(path=path, round_slug="r1")
    assert failed.value.count == 250 and len(failed.value.errors) == 100


def test_the_command_lists_the_first_hundred_and_says_how_many_more(programme, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes(["x"] * 250))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 250 problems in"):
        call_command("import_records", str(path), "--round", "r1", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "line 2, column reference: expected 15 cells, found 1."
    assert lines[99] == "line 101, column reference: expected 15 cells, found 1."
    assert lines[100:] == ["… and 150 more."]


@pytest.mark.parametrize("jobs", [2, 12])
def test_the_imports_list_counts_problems_without_loading_them(
    client_for, programme_manager, django_assert_max_num_queries, jobs
):
    for n in range(jobs):
        ImportJob.objects.create(
            file="imports/crm.csv",
            original_name=f"crm-{n}.csv",
            round_slug="r1",
            requested_by=programme_manager,
            status=JobStatus.FAILED,
            problems=[f"line {line}, column reference: bad." for line in range(2, 102)],
            problem_count=1234,
        )
    client = client_for(programme_manager)
    # The same number of queries for 2 and 12 jobs, none of them reading the problems.
    with django_assert_max_num_queries(8) as captured:
        page = client.get(reverse("reports:import_index")).content.decode()
    assert page.count("1,234 problems") == jobs
    assert not [q["sql"] for q in captured.captured_queries if "problems" in q["sql"]]


# --- Files the csv module cannot read ---------------------------------------------------------


def test_a_300000_character_cell_is_a_problem_of_the_file(client_for, programme, programme_manager):
    huge = ROWS[1].replace("Beeston", "B" * 300_000)
    job = _imported(programme_manager, _bytes([ROWS[0], huge, ROWS[2]]))
    assert job.problems == [
        "line 3, column area_name: this cell is longer than 1,000 characters, more than any "
        "column takes."
    ]
    assert job.problem_count == 1
    _assert_failed_with_no_retry(client_for(programme_manager), job)


def test_a_long_cell_the_csv_module_reads_is_refused_without_quoting_it(programme, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes([ROWS[0].replace("Health and wellbeing", "H" * 5000), ROWS[1]]))
    with pytest.raises(ImportFailed) as failed:
        records_import(path=path, round_slug="r1")
    assert failed.value.errors == [
        "line 2, column themes: this cell is longer than 1,000 characters, more than any "
        "column takes."
    ]


def test_an_unclosed_quote_that_swallows_the_file_is_located(programme, tmp_path):
    rows = [ROWS[0], ROWS[1].replace(",Leeds City Council,", ',"Leeds City Council,'), *ROWS[2:]]
    path = tmp_path / "crm.csv"
    more = [ROWS[4].replace("R1-005", f"R1-{n:03}") for n in range(6, 60)]
    path.write_bytes(_bytes(rows + more))
    with pytest.raises(ImportFailed) as failed:
        records_import(path=path, round_slug="r1")
    assert failed.value.errors == [
        "line 3, column lead_organisation: this cell is longer than 1,000 characters, more than "
        "any column takes (is a closing quote missing?)."
    ]


def test_a_short_unclosed_quote_is_a_problem(programme, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes([ROWS[0], ROWS[1].replace(",Leeds City Council,", ',"Leeds,')]))
    with pytest.raises(ImportFailed) as failed:
        records_import(path=path, round_slug="r1")
    assert failed.value.errors == [
        "line 3, column lead_organisation: the quote that opens this cell is never closed."
    ]


def test_text_after_a_closing_quote_is_a_problem_not_a_silent_change(
    client_for, programme, programme_manager
):
    rows = [ROWS[0], ROWS[1].replace(",Beeston,", ',"Beeston" Park,'), ROWS[2]]
    job = _imported(programme_manager, _bytes(rows))
    assert job.problems == [
        "line 3, column area_name: a cell in quotes must end at its closing quote (put the whole "
        'cell in quotes, with any quote inside it doubled: "").'
    ]
    _assert_failed_with_no_retry(client_for(programme_manager), job)


def test_bytes_that_are_not_utf8_are_located_and_the_rest_still_checked(
    client_for, programme, programme_manager
):
    data = _bytes(
        [
            ROWS[0],
            ROWS[1].replace("Beeston", "Beest\N{LATIN SMALL LETTER O WITH DIAERESIS}n"),
            ROWS[2] + ",extra",
        ]
    ).replace("ö".encode(), b"\xf6")  # the same letter in Latin-1
    job = _imported(programme_manager, data)
    assert job.problems == [
        "line 3, column area_name: this cell is not UTF-8 text (byte 0xF6): save the file as "
        "CSV UTF-8.",
        "line 4, column reference: expected 15 cells, found 16.",
    ]
    _assert_failed_with_no_retry(client_for(programme_manager), job)


def test_a_header_that_is_not_utf8_is_a_problem_of_line_one(programme, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes(ROWS).replace(b"themes", b"th\xe9mes", 1))
    with pytest.raises(ImportFailed) as failed:
        records_import(path=path, round_slug="r1")
    assert failed.value.errors == [
        "line 1, column themes: this cell is not UTF-8 text (byte 0xE9): save the file as "
        "CSV UTF-8."
    ]


def test_a_good_file_with_quoted_cells_still_imports(programme, tmp_path):
    rows = [ROWS[0].replace("Chapeltown Trust", '"Chapeltown ""Trust"", Leeds"'), *ROWS[1:]]
    path = tmp_path / "crm.csv"
    path.write_bytes(_bytes(rows))
    assert records_import(path=path, round_slug="r1").rows_created == 5
    assert Application.objects.filter(organisation__name='Chapeltown "Trust", Leeds').exists()
