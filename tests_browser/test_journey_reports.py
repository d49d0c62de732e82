"""Issue 6 in a real browser: an admin imports a CRM export of past records into a new round,
sees the funnel the import implies on that round's dashboard, asks for the round's programme
report, follows the job page until the PDF is ready and downloads it, then downloads the awards in
the 360Giving Data Standard.

The report is made by Celery. On PostgreSQL a real worker process renders it (the `worker_queue`
fixture of reports/tests/test_worker.py); SQLite in memory cannot be shared with another process,
so there the task runs inline when the request's transaction commits.
"""

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from programmes.models import Area, Round
from reports.models import JobStatus, ReportJob, ReportKind
from reports.tests.conftest import pdf_text
from reports.tests.test_worker import WAIT_SECONDS, worker_queue  # noqa: F401 (a fixture)

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER = (
    "reference,round,area_name,local_authority,lead_organisation,organisation_type,themes,"
    "approach,applied_on,application_outcome,getting_going_outcome,cba_required,"
    "plan_submitted_on,plan_outcome,plan_decided_on"
)
# Four applications: three admitted (all three applied for Getting Going, two approved, one of
# them with a CBA; both approved areas submitted a final plan, one signed off), one rejected.
ROWS = [
    "CRM-001,round-crm,Seacroft,Leeds,Seacroft Neighbourhood Trust,VCS body,"
    "Young people;Housing,general,2025-01-10,admitted,approved,yes,2025-06-02,approved,2025-08-01",
    "CRM-002,round-crm,Gipton,Leeds,Gipton Together,VCS body,Older people,specific,"
    "2025-01-14,admitted,approved,no,2025-06-20,,",
    "CRM-003,round-crm,Halton Moor,Leeds,Halton Moor Parish Council,Parish or town council,"
    "Environment,general,2025-01-20,admitted,rejected,no,,,",
    "CRM-004,round-crm,Osmondthorpe,Leeds,Osmondthorpe Residents,VCS body,Housing,general,"
    "2025-01-22,rejected,,no,,,",
]
FUNNEL = {
    "Applications": "4",
    "Admitted": "3",
    "Applied for Getting Going": "3",
    "Getting Going approved": "2",
    "Final plan submitted": "2",
    "Plan signed off": "1",
}


@pytest.fixture
def report_worker(request):
    """Something to make the report: a real worker on PostgreSQL (yields its log file), inline
    tasks otherwise (yields None)."""
    if connection.vendor == "postgresql":
        _worker, log = request.getfixturevalue("worker_queue")
        yield log
        return
    request.getfixturevalue("eager_tasks")
    yield None


def _table(locator) -> dict[str, str]:
    """A two-column table body as {row heading: value}."""
    return {
        row.locator("th").inner_text().strip(): row.locator("td").inner_text().strip()
        for row in locator.locator("tbody tr").all()
    }


def test_imported_round_dashboard_programme_report_and_360giving(
    page, demo_data, report_worker, tmp_path
):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")

    # --- The admin uploads the CRM export; a first try with a bad row imports nothing. ---------
    good = tmp_path / "crm-export.csv"
    good.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    bad = tmp_path / "crm-export-draft.csv"
    bad.write_text(
        "\n".join([HEADER, *ROWS[:-1], ROWS[-1].replace("2025-01-22", "22/01/2025")]) + "\n",
        encoding="utf-8",
    )
    login(page, "admin")
    page.goto("/reports/")
    page.get_by_role("link", name="Import CRM records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import CRM records")
    page.get_by_label("CRM export (CSV)").set_input_files(str(bad))
    page.get_by_label("New round's name").fill("round-crm")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("crm-export-draft.csv is being imported.")
    problems = page.get_by_role("list", name="Problems in the file")
    expect(problems).to_contain_text("line 5, column applied_on", timeout=WAIT_SECONDS * 1000)
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    assert not Round.objects.filter(slug="round-crm").exists()
    screenshot(page, "j6_import_problems")

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CRM export (CSV)").set_input_files(str(good))
    page.get_by_label("New round's name").fill("round-crm")
    page.get_by_role("button", name="Import").click()
    dashboard_link = page.get_by_role("link", name="Open the dashboard for Round crm")
    expect(dashboard_link).to_be_visible(timeout=WAIT_SECONDS * 1000)
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text(
        "Created round Round crm (round-crm) with the standard stage definitions."
    )
    expect(progress).to_contain_text("Rows: 4 created, 0 updated, 0 unchanged.")
    expect(progress).to_contain_text(
        "Created 4 organisations, 4 applications, 3 areas, 3 Getting Going decisions, "
        "2 final plans and 1 plan outcomes."
    )
    screenshot(page, "j6_import_done")
    imported = Round.objects.get(slug="round-crm")
    assert sorted(Area.objects.filter(round=imported).values_list("reference", flat=True)) == [
        "CRM-001",
        "CRM-002",
        "CRM-003",
    ]

    # --- The dashboard of the imported round shows the funnel the file implies. ---------------
    dashboard_link.click()
    page.wait_for_url(re.compile(r"/reports/dashboard/round-crm/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme dashboard: Round crm")
    assert _table(page.locator("#funnel-table")) == FUNNEL
    awaiting = page.get_by_role("region", name="Plans awaiting sign-off")
    expect(awaiting.get_by_role("row").filter(has_text="CRM-002 Gipton")).to_contain_text(
        "Gipton Together"
    )
    screenshot(page, "j6_dashboard_imported_round")

    # --- Reports: ask for the round's programme report. ---------------------------------------
    page.get_by_label("breadcrumb").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    form = page.get_by_role("region", name="Programme report")
    form.get_by_label("Round").select_option(label="Round crm")
    form.get_by_role("button", name="Request programme report").click()

    # The job page: the request is acknowledged, the bar and status follow the worker, and the
    # download link appears once the PDF is ready (the page polls by itself).
    page.wait_for_url(re.compile(r"/reports/jobs/\d+/$"))
    # The status line follows the job: it never says "being prepared" once the PDF is ready.
    expect(page.locator("#job-state")).to_contain_text("Your programme report is")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme report")
    expect(page.locator("main")).to_contain_text("Round crm")
    expect(page.get_by_role("progressbar", name="Report progress")).to_be_visible()
    download_link = page.get_by_role("link", name="Download the PDF")
    expect(download_link).to_be_visible(timeout=WAIT_SECONDS * 1000)
    progress = page.get_by_role("progressbar", name="Report progress")
    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(progress).to_contain_text("100%")
    expect(page.locator("#job-progress")).to_contain_text("✓ Ready")
    expect(page.locator("#job-state")).to_have_text(
        "Your programme report is ready: download it below."
    )
    screenshot(page, "j6_job_ready")

    job = ReportJob.objects.get(kind=ReportKind.PROGRAMME, round=imported)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1 and job.task_id
    assert page.url.endswith(f"/reports/jobs/{job.pk}/")
    if report_worker is not None:
        # The worker process made it, not this one.
        assert f"report_generate[{job.task_id}] succeeded" in report_worker.read_text()

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == job.download_name
    assert download.suggested_filename.startswith("ourplace-programme-round-crm-")
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Round crm" in text
    assert "Page 1 of" in text

    # --- The awards in the 360Giving Data Standard, from the Reports page. --------------------
    page.get_by_label("breadcrumb").get_by_role("link", name="Reports").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="360Giving awards (CSV)").click()
    download = info.value
    assert re.fullmatch(r"ourplace-360giving-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    content = Path(download.path()).read_text(encoding="utf-8")
    assert content.lstrip("\ufeff").startswith("Identifier,Title,Description")
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows, "the export has no awards"
    assert all(row["Identifier"].startswith("360G-") for row in rows)
    # The imported round's awards are there too, under their grant programme.
    crm = {
        row["Beneficiary Location:Name"]
        for row in rows
        if row["Grant Programme:Code"] == "round-crm"
    }
    assert {"Seacroft", "Gipton"} <= crm
