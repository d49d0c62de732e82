"""Importing a CRM export from the web: upload, a Celery task (run inline here; a real worker in
test_worker.py), problems listed by line and column with nothing written, and retries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application
from programmes.models import Area, Programme, Round
from programmes.tests.factories import RoundFactory
from reports import services
from reports.models import ImportJob, JobStatus
from reports.tests.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    from ourplace.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def programme(db):
    return Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})[0]


def _csv(rows, name="crm.csv"):
    return SimpleUploadedFile(
        name, ("\n".join([HEADER, *rows]) + "\n").encode("utf-8"), content_type="text/csv"
    )


def _round_fields(round_slug):
    """The form's round fields: the round from the list, or a new round named by its slug."""
    if Round.objects.filter(slug=round_slug).exists():
        return {"round": round_slug, "new_round": ""}
    return {"round": "", "new_round": round_slug}


def _upload(client, rows, round_slug="r1", name="crm.csv", capture=None):
    with capture(execute=True):
        return client.post(
            reverse("reports:import_index"),
            {"file": _csv(rows, name), **_round_fields(round_slug)},
            follow=True,
        )


def test_an_upload_is_imported_by_the_task_and_reported(
    client_for, programme, programme_manager, eager, django_capture_on_commit_callbacks
):
    client = client_for(programme_manager)
    response = _upload(client, ROWS, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reports:import_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1 and job.progress == 100
    assert job.round.slug == "r1" and job.round_created
    assert Area.objects.filter(round__slug="r1").count() == 3
    page = client.get(reverse("reports:import_detail", args=[job.pk])).content.decode()
    assert "Rows: 5 created, 0 updated, 0 unchanged." in page
    assert "Created round R1 (r1) with the standard stage definitions." in page
    assert reverse("reports:dashboard", args=["r1"]) in page

    # The same file again changes nothing.
    _upload(client, ROWS, capture=django_capture_on_commit_callbacks)
    again = ImportJob.objects.order_by("-pk").first()
    assert "Rows: 0 created, 0 updated, 5 unchanged." in again.summary
    assert Area.objects.filter(round__slug="r1").count() == 3


def test_a_file_with_problems_lists_them_and_writes_nothing(
    client_for, programme, programme_manager, eager, django_capture_on_commit_callbacks
):
    bad = [
        ROWS[0],
        ROWS[1].replace("2024-01-12", "12/01/2024"),
        ROWS[2].replace("Parish or town council", "Parish"),
    ]
    client = client_for(programme_manager)
    _upload(client, bad, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.has_problems and not job.error
    assert job.problems == [
        "line 3, column applied_on: “12/01/2024” is not a date in the form YYYY-MM-DD.",
        "line 4, column organisation_type: “Parish” is not one of: VCS body, Local authority, "
        "Other public service, Parish or town council.",
    ]
    assert not Application.objects.exists() and not Area.objects.exists()
    page = client.get(reverse("reports:import_detail", args=[job.pk])).content.decode()
    assert "Nothing was imported: 2 problems in the file" in page
    assert "line 3, column applied_on" in page
    assert "Upload a corrected file" in page and ">Retry<" not in page
    refused = client.post(reverse("reports:import_retry", args=[job.pk]), follow=True)
    assert "The file has problems: correct it and upload it again." in refused.content.decode()


def test_an_unexpected_failure_can_be_retried(
    client_for, programme, programme_manager, eager, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import imports

    real_run = imports.Importer.run

    def broken(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports.Importer, "run", broken)
    client = client_for(programme_manager)
    _upload(client, ROWS, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and not job.has_problems
    assert "the database went away" in job.error and "nothing was imported" in job.error
    page = client.get(reverse("reports:import_detail", args=[job.pk])).content.decode()
    assert "The import could not be finished" in page and ">Retry<" in page

    monkeypatch.setattr(imports.Importer, "run", real_run)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:import_retry", args=[job.pk]))
    job.refresh_from_db()
    # A person's retry starts a fresh set of automatic attempts (JOB_MAX_ATTEMPTS).
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert Area.objects.filter(round__slug="r1").count() == 3


def test_run_leaves_a_finished_import_alone(programme, programme_manager):
    job = services.import_request(actor=programme_manager, upload=_csv(ROWS), round_slug="r1")
    assert services.import_run(job_id=job.pk).status == JobStatus.SUCCEEDED
    areas = Area.objects.count()
    assert services.import_run(job_id=job.pk) is None  # not run again
    job.refresh_from_db()
    assert job.attempts == 1 and Area.objects.count() == areas


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("crm.xlsx", b"x", "Choose a .csv file"),
        ("crm.csv", b"", "The submitted file is empty."),
        # Checked by content, like every upload: a web page or a binary renamed .csv.
        ("crm.csv", b"<html><script>alert(1)</script></html>", "cannot be accepted"),
        ("crm.csv", b"\x00\x01\xff\xfe binary", "not UTF-8 text"),
    ],
)
def test_the_form_refuses_files_that_are_not_csv(
    client_for, programme_manager, name, content, message
):
    response = client_for(programme_manager).post(
        reverse("reports:import_index"),
        {"file": SimpleUploadedFile(name, content), "new_round": "r1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_new_round_is_named_in_words_and_its_slug_made(
    client_for, programme, programme_manager, eager, django_capture_on_commit_callbacks
):
    rows = [r.replace(",r1,", ",Round 2,") for r in ROWS]
    client = client_for(programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:import_index"), {"file": _csv(rows), "new_round": "Round 2"})
    job = ImportJob.objects.get()
    assert job.round_slug == "round-2" and job.status == JobStatus.SUCCEEDED, job.problems
    assert Round.objects.get(slug="round-2").name == "Round 2"


def test_a_new_round_name_without_letters_gets_a_clear_error(client_for, programme_manager):
    response = client_for(programme_manager).post(
        reverse("reports:import_index"), {"file": _csv(ROWS), "new_round": "!!!"}
    )
    page = response.content.decode()
    assert "has no letters or digits to make the round&#x27;s short name from" in page
    assert "Enter a valid “slug”" not in page
    assert not ImportJob.objects.exists()


def test_an_existing_round_is_chosen_from_the_list(client_for, programme, programme_manager):
    RoundFactory(slug="pilot", name="Pilot round")
    page = client_for(programme_manager).get(reverse("reports:import_index")).content.decode()
    assert '<option value="pilot">Pilot round (pilot)</option>' in page
    response = client_for(programme_manager).post(
        reverse("reports:import_index"), {"file": _csv(ROWS), "new_round": "Pilot"}
    )
    assert "There is already a round with the short name pilot" in response.content.decode()


def test_the_template_csv_lists_the_columns_and_imports_as_it_is(
    client_for, programme, programme_manager, tmp_path
):
    from reports.imports import COLUMNS, records_import

    client = client_for(programme_manager)
    response = client.get(reverse("reports:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    page = client.get(reverse("reports:import_index")).content.decode()
    assert "General neighbourhood approach (general)" in page
    assert reverse("reports:import_template") in page
    path = tmp_path / "template.csv"
    path.write_text(text, encoding="utf-8")
    result = records_import(path=path, round_slug="round-3")
    assert result.rows_created == 3


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "lead_user"])
def test_only_managers_and_admins_import(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reports:import_index")).status_code == 403
    assert (
        client.post(
            reverse("reports:import_index"), {"file": _csv(ROWS), "new_round": "r1"}
        ).status_code
        == 403
    )
    assert not ImportJob.objects.exists()


def test_admins_reach_the_page_from_reports(client_for, admin_user):
    page = client_for(admin_user).get(reverse("reports:index")).content.decode()
    assert reverse("reports:import_index") in page


def test_the_job_page_hears_progress_while_the_file_is_checked_and_written(
    client_for,
    programme,
    programme_manager,
    eager,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from django.db import connection

    from reports.imports import bulk, reading
    from reports.jobs import lifecycle

    monkeypatch.setattr(reading, "CHECK_STEP", 2)
    monkeypatch.setattr(bulk, "CHUNK", 2)
    heard = []
    real = lifecycle.set_progress

    def recorded(model, pk, percent, message, token=None):
        heard.append((percent, message))
        real(model, pk, percent, message, token)

    monkeypatch.setattr(lifecycle, "set_progress", recorded)
    _upload(client_for(programme_manager), ROWS, capture=django_capture_on_commit_callbacks)
    assert ImportJob.objects.get().status == JobStatus.SUCCEEDED
    messages = [m for _, m in heard]
    assert messages[:4] == [
        "Checked 2 of 5 rows",
        "Checked 4 of 5 rows",
        "Checked 5 of 5 rows",
        "Importing 5 records in one transaction",
    ]
    percents = [p for p, _ in heard]
    assert percents == sorted(percents)
    if connection.vendor == "postgresql":
        # Written from its own connection, so the page sees it before the import commits.
        assert messages[4:] == [
            "Imported 2 of 5 records",
            "Imported 4 of 5 records",
            "Imported 5 of 5 records",
        ]


def test_the_round_defaults_to_no_choice_so_no_round_is_created_by_accident(
    client_for, programme, programme_manager
):
    RoundFactory(slug="pilot", name="Pilot round")
    client = client_for(programme_manager)
    page = client.get(reverse("reports:import_index")).content.decode()
    select = page[page.index('name="round"') :]
    select = select[: select.index("</select>")]
    first = select[select.index("<option") :]
    assert first.startswith('<option value="" selected>Choose the round to import into</option>')
    assert "A new round (name it below)" in select
    rounds = Round.objects.count()
    response = client.post(reverse("reports:import_index"), {"file": _csv(ROWS), "round": ""})
    assert "Choose the round to import into, or choose" in response.content.decode()
    assert not ImportJob.objects.exists() and Round.objects.count() == rounds
    response = client.post(
        reverse("reports:import_index"), {"file": _csv(ROWS), "round": "+new", "new_round": ""}
    )
    assert "Name the new round" in response.content.decode()
    assert not ImportJob.objects.exists()
