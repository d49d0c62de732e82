"""Issue 25: the payment run (approved payments, ready to pay) as CSV and XLSX for finance, through
the same export path as the other lists (the Dataset rows, the EXPORTS registry and ExportJob when
it is big). No bank details are held: the account reference is the organisation identifier."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from core.testing import today
from grants.services import payment_approve
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory
from reports.exports import jobs
from reports.models import ExportJob, JobStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CSV_URL = reverse("reports:export_payment_run_csv")
XLSX_URL = reverse("reports:export_payment_run_xlsx")
HEADER = [
    "Payment id",
    "Area reference",
    "Payee",
    "Account reference (organisation identifier)",
    "Amount (£)",
    "Due on",
    "Approved by",
]


def _payment(amount, due_on=None, area=None):
    award = AwardFactory(
        area=area or AreaFactory(),
        amount=Decimal("50000"),
        awarded_on=today() - datetime.timedelta(days=30),
    )
    return PaymentFactory(award=award, amount=Decimal(amount), due_on=due_on)


@pytest.fixture
def run(db):
    """Two payments ready to pay (one approved twice), one still to approve, one paid."""
    first = UserFactory(programme_manager=True, first_name="Ada", last_name="Approver")
    second = UserFactory(finance_officer=True, first_name="Sam", last_name="Second")
    late = _payment("1234.5", due_on=today() - datetime.timedelta(days=3))
    payment_approve(payment=late, actor=first)
    big = _payment("12000", due_on=today())
    payment_approve(payment=big, actor=first)
    payment_approve(payment=big, actor=second)
    _payment("700")  # scheduled, not approved: not in the run
    paid = _payment("900")
    payment_approve(payment=paid, actor=first)
    from grants.services import payment_pay

    payment_pay(payment=paid, actor=UserFactory(finance_officer=True))
    return late, big


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_csv_lists_what_is_ready_to_pay_with_payee_account_and_approvers(
    client_for, finance_officer, run
):
    late, big = run
    response = client_for(finance_officer).get(CSV_URL)
    assert response.status_code == 200
    assert "payment-run" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == HEADER
    org = late.award.area.lead_organisation
    assert rows[1] == [
        str(late.pk),
        late.award.area.reference,
        org.name,
        org.org_identifier,
        "1234.50",
        (today() - datetime.timedelta(days=3)).isoformat(),
        "Ada Approver",
    ]
    assert rows[2][0] == str(big.pk) and rows[2][4] == "12000.00"
    assert rows[2][6] == "Ada Approver and Sam Second"
    assert len(rows) == 3


def test_the_xlsx_has_the_same_rows_with_amounts_as_numbers(client_for, programme_manager, run):
    late, big = run
    response = client_for(programme_manager).get(XLSX_URL)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [r[0] for r in rows[1:]] == [late.pk, big.pk]
    assert rows[1][4] == pytest.approx(1234.5)


def test_a_round_narrows_the_run(client_for, finance_officer, run):
    late, _big = run
    url = f"{CSV_URL}?round={late.award.area.round.slug}"
    rows = _csv(client_for(finance_officer).get(url))
    assert [r[0] for r in rows[1:]] == [str(late.pk)]


def test_only_finance_officers_and_programme_managers_may_have_it(
    client, client_for, funder_officer, relationship_manager, admin_user, lead_user, run
):
    assert client.get(CSV_URL).status_code == 302
    for user in (funder_officer, relationship_manager, admin_user, lead_user):
        assert client_for(user).get(CSV_URL).status_code == 403
        assert client_for(user).get(XLSX_URL).status_code == 403


def test_the_finance_list_links_to_it_for_finance(client_for, finance_officer, funder_officer):
    page = client_for(finance_officer).get(reverse("grants:finance")).content.decode()
    assert f'href="{CSV_URL}"' in page and f'href="{XLSX_URL}"' in page
    page = client_for(funder_officer).get(reverse("grants:finance")).content.decode()
    assert CSV_URL not in page


def test_a_big_run_is_made_in_the_background_by_the_same_path(
    client_for, finance_officer, run, settings, django_capture_on_commit_callbacks
):
    """A finance officer, who may not export other data, gets the job and its file: the
    registry's export says who may have it, when asked and when the worker makes it."""
    settings.EXPORT_BACKGROUND_ROWS = 1
    client = client_for(finance_officer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.get(CSV_URL, HTTP_ACCEPT="text/html")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.export == "payment-run"
    jobs.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    settings.EXPORT_BACKGROUND_ROWS = 100
    download = client.get(reverse("reports:export_job_download", args=[job.pk]))
    made = b"".join(download.streaming_content)
    assert made == b"".join(client.get(CSV_URL).streaming_content)
