"""Issue 11: an organisation named like a spreadsheet formula must not become a live formula in any
export (CSV or XLSX, 360Giving included). Issue 10: XLSX money is numeric, in pounds, dates are
dates."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import ApplicationStatus
from applications.tests.factories import ApplicationFactory
from core.spreadsheets import MONEY_FORMAT, csv_value
from delivery.tests.factories import ProgressReturnFactory
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory, OrganisationFactory
from support.tests.factories import SupportContactFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/","Open")'


@pytest.fixture
def evil(db):
    org = OrganisationFactory(name=EVIL)
    area = AreaFactory(lead_organisation=org, name=EVIL, reference="EV-001")
    ApplicationFactory(
        round=area.round, organisation=org, area_name=EVIL, status=ApplicationStatus.SUBMITTED
    )
    award = AwardFactory(area=area, amount=Decimal("10000.00"))
    PaymentFactory(award=award, amount=Decimal("9000.00"), paid=True, reference="+44 BACS")
    SupportContactFactory(area=area, notes="@SUM(1+1)", participants="-2+3")
    ProgressReturnFactory(area__lead_organisation=org, area__name=EVIL, overdue=True)
    return org


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


CSV_URLS = [
    reverse("reports:export_areas_csv"),
    reverse("reports:export_360giving_csv"),
    *(reverse("reports:export_csv", args=[n]) for n in ("applications", "payments", "returns")),
    reverse("reports:export_csv", args=["support"]),
]
XLSX_URLS = [
    reverse("reports:export_areas_xlsx"),
    *(
        reverse("reports:export_xlsx", args=[n])
        for n in ("applications", "payments", "support", "returns")
    ),
]


@pytest.mark.parametrize("url", CSV_URLS)
def test_csv_exports_quote_formula_text(evil, client_for, programme_manager, url):
    rows = _csv(client_for(programme_manager).get(url))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export should have rows"
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not [c for c in cells if c.startswith(starts) and not _is_number(c)]
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'@SUM") for c in cells)


def _is_number(text):
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


@pytest.mark.parametrize("url", XLSX_URLS)
def test_xlsx_exports_write_formula_text_as_strings(evil, client_for, admin_user, url):
    sheet = _xlsx(client_for(admin_user).get(url))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert EVIL in texts or "@SUM(1+1)" in texts


def test_payments_xlsx_money_is_numeric_in_pounds_and_dates_are_dates(
    evil, client_for, programme_manager
):
    sheet = _xlsx(
        client_for(programme_manager).get(reverse("reports:export_xlsx", args=["payments"]))
    )
    header = [c.value for c in sheet[1]]
    row = sheet[2]
    grant = row[header.index("Grant amount (£)")]
    payment = row[header.index("Payment amount (£)")]
    assert grant.data_type == "n" and grant.value == 10000 and grant.number_format == MONEY_FORMAT
    assert payment.value == 9000 and payment.number_format == MONEY_FORMAT
    awarded = row[header.index("Awarded on")]
    assert awarded.is_date and isinstance(awarded.value, datetime.datetime)
    assert row[header.index("Payment reference")].value == "+44 BACS"


def test_a_negative_amount_stays_a_number():
    from core.spreadsheets import xlsx_file

    rows = [["Amount", "Note"], [Decimal("-250.00"), "-250"]]
    sheet = load_workbook(xlsx_file(rows, title="T")).active
    amount, note = sheet[2]
    assert amount.data_type == "n" and amount.value == -250 and amount.number_format == MONEY_FORMAT
    assert note.data_type == "s" and note.value == "-250"
    assert csv_value(Decimal("-250.00")) == Decimal("-250.00")
    assert csv_value("-250") == "'-250"
    assert csv_value("\tx") == "'\tx" and csv_value("\rx") == "'\rx"
