"""Issue 24's programme learning in a real browser: the programme manager goes from the dashboard
to What worked for the finished pilot round, reads the measures by lead organisation type group
(with n in every cell and a small group suppressed), switches to deprivation, sees the CBA
comparison by benefit type and the obstacles and enablers, and downloads the open data and its
dictionary; a relationship manager is refused."""

import csv
import io

import pytest
from playwright.sync_api import expect

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_programme_manager_reads_what_worked_and_downloads_the_open_data(page, demo_data):
    login(page, "pm")
    page.goto("/reports/dashboard/pilot/")
    page.get_by_role("link", name="What worked, for whom").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What worked, for whom: Pilot")

    table = page.locator("#what-worked-table")
    adviser_row = table.get_by_role("row", name="Adviser days delivered")
    expect(adviser_row).to_contain_text("n=24")
    expect(table).to_contain_text("suppressed")
    # Every figure cell carries its n.
    cells = table.locator("tbody td")
    for i in range(cells.count()):
        expect(cells.nth(i)).to_contain_text("n=")
    expect(page.locator("canvas[data-what-worked-chart]").first).to_be_visible()

    page.get_by_role("link", name="Deprivation").click()
    expect(page.locator("#h-groups")).to_contain_text("Deprivation")
    expect(table).to_contain_text("Deciles 1 to 3 (most deprived)")
    expect(page.locator("#what-worked-cba")).to_contain_text("Social benefits")
    expect(page.locator("#what-worked-factors")).to_contain_text(
        "Obstacle: Availability of staff skills and resources"
    )
    screenshot(page, "what-worked-pilot")

    with page.expect_download() as download:
        page.get_by_role("link", name="open data (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert rows and {"round", "group", "measure", "n", "value"} <= set(rows[0])
    assert all(r["value"] == "suppressed" for r in rows if int(r["n"]) < 5)
    with page.expect_download() as download:
        page.get_by_role("link", name="data dictionary (CSV)").click()
    assert "suppression" in download.value.path().read_text("utf-8-sig")

    logout(page)
    login(page, "rm")
    response = page.goto("/reports/what-worked/pilot/")
    assert response.status == 403
