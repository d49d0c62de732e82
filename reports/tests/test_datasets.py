import csv
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import ApplicationStatus
from applications.tests.factories import ApplicationFactory
from delivery.tests.factories import ProgressReturnFactory
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory, RoundFactory
from support.tests.factories import SupportContactFactory

pytestmark = pytest.mark.django_db

DATASETS = ["applications", "payments", "support", "returns"]


def _csv(response):
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def csv_url(name, query=""):
    return reverse("reports:export_csv", args=[name]) + query


@pytest.fixture
def data():
    rnd = RoundFactory(slug="round-a", name="Round A")
    other = RoundFactory(slug="round-b", name="Round B")
    area = AreaFactory(round=rnd, reference="RA-001", name="Abbey")
    other_area = AreaFactory(round=other, reference="RB-001", name="Brampton")
    ApplicationFactory(round=rnd, area_name="Abbey", status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(round=other, area_name="Brampton", rejected=True)
    ApplicationFactory(round=rnd, area_name="Still a draft")
    award = AwardFactory(area=area, amount=Decimal("10000.00"))
    PaymentFactory(award=award, amount=Decimal("9000.00"), paid=True, reference="BACS-1")
    PaymentFactory(award=award, amount=Decimal("1000.00"), held=True)
    PaymentFactory(award=AwardFactory(area=other_area), amount=Decimal("500.00"))
    SupportContactFactory(area=area, notes="Talked about the board.")
    SupportContactFactory(area=other_area, notes="Visit to the school.")
    ProgressReturnFactory(area__round=rnd, area__reference="RA-002", overdue=True)
    return rnd


def test_exports_need_login(client):
    for name in DATASETS:
        response = client.get(csv_url(name))
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "lead_user"])
def test_only_managers_and_admins_may_export(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    for name in DATASETS:
        assert client.get(csv_url(name)).status_code == 403
        assert client.get(reverse("reports:export_xlsx", args=[name])).status_code == 403


def test_unknown_export_is_404(client_for, admin_user):
    assert client_for(admin_user).get(csv_url("secrets")).status_code == 404


def test_applications_csv_leaves_out_drafts_and_follows_the_list_filter(
    data, client_for, programme_manager
):
    client = client_for(programme_manager)
    rows = _csv(client.get(csv_url("applications")))
    assert rows[0][:3] == ["Round", "Neighbourhood", "Lead organisation"]
    assert sorted(r[1] for r in rows[1:]) == ["Abbey", "Brampton"]
    filtered = _csv(client.get(csv_url("applications", "?round=round-a")))
    assert [r[1] for r in filtered[1:]] == ["Abbey"]


def test_payments_csv_lists_each_payment_with_its_grant(data, client_for, admin_user):
    rows = _csv(client_for(admin_user).get(csv_url("payments", "?round=round-a")))
    header = rows[0]
    body = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert len(body) == 2
    paid = next(r for r in body if r["Payment status"] == "Paid")
    assert paid["Payment amount (£)"] == "9000.00" and paid["Payment reference"] == "BACS-1"
    assert paid["Grant amount (£)"] == "10000.00" and paid["Area reference"] == "RA-001"


def test_support_log_csv(data, client_for, programme_manager):
    rows = _csv(client_for(programme_manager).get(csv_url("support", "?round=round-b")))
    assert len(rows) == 2 and "Visit to the school." in rows[1]


def test_returns_csv_follows_the_returns_filter(data, client_for, programme_manager):
    rows = _csv(client_for(programme_manager).get(csv_url("returns", "?state=overdue")))
    assert [r[0] for r in rows[1:]] == ["RA-002"]
    assert rows[1][rows[0].index("State")] == "overdue"


@pytest.mark.parametrize("name", DATASETS)
def test_xlsx_has_the_same_rows(data, client_for, admin_user, name):
    client = client_for(admin_user)
    expected = _csv(client.get(csv_url(name)))
    response = client.get(reverse("reports:export_xlsx", args=[name]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == expected[0]
    assert len(rows) == len(expected)


@pytest.mark.parametrize("extra", [2, 10])
def test_export_queries_do_not_grow_with_rows(
    client_for, admin_user, django_assert_max_num_queries, extra
):
    rnd = RoundFactory()
    for _ in range(extra):
        area = AreaFactory(round=rnd)
        ApplicationFactory(round=rnd, status=ApplicationStatus.SUBMITTED)
        PaymentFactory(award=AwardFactory(area=area))
        SupportContactFactory(area=area)
    client = client_for(admin_user)
    client.get(reverse("reports:index"))
    for name in ("applications", "payments", "support"):
        with django_assert_max_num_queries(8):
            _csv(client.get(csv_url(name)))


@pytest.mark.parametrize(
    ("page", "dataset"),
    [
        ("applications:assessment_queue", "applications"),
        ("grants:finance", "payments"),
        ("delivery:returns_list", "returns"),
    ],
)
def test_list_pages_link_to_their_export_with_the_filters(
    client_for, programme_manager, page, dataset
):
    rnd = RoundFactory(slug="round-a")
    html = client_for(programme_manager).get(reverse(page) + "?round=round-a").content.decode()
    assert reverse("reports:export_csv", args=[dataset]) + "?round=round-a" in html
    assert rnd.slug in html


def test_funder_officers_see_no_export_link_on_finance(client_for, funder_officer):
    html = client_for(funder_officer).get(reverse("grants:finance")).content.decode()
    assert reverse("reports:export_csv", args=["payments"]) not in html


def test_reports_page_lists_every_export(client_for, admin_user):
    html = client_for(admin_user).get(reverse("reports:index")).content.decode()
    for name in DATASETS:
        assert reverse("reports:export_csv", args=[name]) in html
