"""Delivery pages in layers: anonymous -> login; other area -> 404; wrong role -> 403 or no
forms; right role -> 200 with the content, and the actions work through the browser forms."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.tests.factories import AreaAssignmentFactory
from core.testing import today
from delivery.models import (
    CbaOutturnLine,
    FundingRecord,
    MatchFundingCommitment,
    ProgressReturn,
    ReturnStatus,
)
from plans.models import ResourcingLine
from plans.tests.factories import CbaFactory, CostLineFactory, PlanFactory
from programmes.tests.panels import area_panel

from .factories import CommitmentFactory, FundingRecordFactory, ProgressReturnFactory

# What is due or overdue depends on the day: hold it still for each test.
pytestmark = pytest.mark.usefixtures("clock")


def area_urls(area):
    return [
        reverse("delivery:area_returns", args=[area.reference]),
        reverse("delivery:area_funding", args=[area.reference]),
        reverse("delivery:area_outturn", args=[area.reference]),
        reverse("delivery:area_making_it_happen", args=[area.reference]),
    ]


def test_anonymous_is_sent_to_login(client, impl_area):
    ret = ProgressReturnFactory(area=impl_area)
    for url in [
        reverse("delivery:returns_list"),
        reverse("delivery:return_detail", args=[ret.pk]),
        *area_urls(impl_area),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_lead_user_of_another_area_gets_404(client_for, impl_area, other_lead):
    ret = ProgressReturnFactory(area=impl_area)
    record = FundingRecordFactory(area=impl_area)
    commitment = CommitmentFactory(application__area=impl_area)
    client = client_for(other_lead)
    for url in [reverse("delivery:return_detail", args=[ret.pk]), *area_urls(impl_area)]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("delivery:funding_delete", args=[record.pk])).status_code == 404
    url = reverse("delivery:commitment_move", args=[commitment.pk, "withdraw"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert FundingRecord.objects.filter(pk=record.pk).exists()


def test_lead_user_cannot_see_the_staff_returns_list(client_for, impl_lead):
    assert client_for(impl_lead).get(reverse("delivery:returns_list")).status_code == 403


def test_funder_officer_reads_but_cannot_change(client_for, funder_officer, impl_area):
    ret = ProgressReturnFactory(area=impl_area)
    client = client_for(funder_officer)
    response = client.get(reverse("delivery:area_funding", args=[impl_area.reference]))
    assert response.status_code == 200 and "Record funding secured" not in response.content.decode()
    response = client.post(
        reverse("delivery:area_funding", args=[impl_area.reference]),
        {
            "source": "in_kind",
            "year": 2026,
            "arrangement": "none",
            "amount": "1",
            "funder_name": "X",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("delivery:return_detail", args=[ret.pk]), {"service_users_reached": 1}
    )
    assert response.status_code == 403
    assert not FundingRecord.objects.exists()


def test_relationship_manager_sees_the_returns_list(client_for, impl_area):
    rm = AreaAssignmentFactory(area=impl_area).user
    ProgressReturnFactory(area=impl_area, overdue=True)
    response = client_for(rm).get(reverse("delivery:returns_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert impl_area.reference in body and "Overdue" in body and escape(str(rm)) in body


def test_returns_list_filters_by_relationship_manager(client_for, programme_manager, impl_area):
    rm = AreaAssignmentFactory(area=impl_area).user
    ProgressReturnFactory(area=impl_area)
    other = ProgressReturnFactory()
    response = client_for(programme_manager).get(
        reverse("delivery:returns_list"), {"relationship_manager": rm.pk}
    )
    body = response.content.decode()
    assert impl_area.reference in body and other.area.reference not in body


@pytest.mark.parametrize("count", [3, 12])
def test_returns_list_query_count_is_fixed(
    client_for, programme_manager, count, django_assert_max_num_queries
):
    for i in range(count):
        r = ProgressReturnFactory(overdue=i % 2 == 0)
        AreaAssignmentFactory(area=r.area)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("delivery:returns_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def test_lead_sees_and_submits_a_return(client_for, impl_area, impl_lead):
    ret = ProgressReturnFactory(area=impl_area)
    client = client_for(impl_lead)
    response = client.get(reverse("delivery:area_returns", args=[impl_area.reference]))
    assert response.status_code == 200 and "Fill in" in response.content.decode()
    url = reverse("delivery:return_detail", args=[ret.pk])
    # Behind with an enabler: refused next to the field, nothing submitted.
    response = client.post(
        url,
        {
            "progress_status": "behind",
            "enablers": ["residents"],
            "service_users_reached": 5,
            "submit": "1",
        },
    )
    assert response.status_code == 200
    assert "choose the obstacles" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    response = client.post(
        url,
        {
            "progress_status": "behind",
            "obstacles": ["staff_skills"],
            "other_obstacle": "Flooded community centre",
            "service_users_reached": 5,
            "paid_staff": "on",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED and ret.paid_staff
    assert {f.label for f in ret.factors.all()} == {
        "Availability of staff skills and resources",
        "Other: Flooded community centre",
    }
    response = client.get(url)
    assert "Flooded community centre" in response.content.decode()
    assert "Submit the return" not in response.content.decode()


def test_area_returns_page_creates_the_schedule(client_for, impl_area, impl_lead):
    response = client_for(impl_lead).get(
        reverse("delivery:area_returns", args=[impl_area.reference])
    )
    assert response.status_code == 200
    assert ProgressReturn.objects.filter(area=impl_area).exists()


def test_lead_records_funding_and_sees_the_comparison(client_for, impl_area, impl_lead):
    plan = PlanFactory(area=impl_area)
    ResourcingLine.objects.create(
        plan=plan, source="external_grants", year=2026, planned_amount=Decimal("5000")
    )
    client = client_for(impl_lead)
    url = reverse("delivery:area_funding", args=[impl_area.reference])
    response = client.post(
        url,
        {
            "source": "external_grants",
            "year": 2026,
            "arrangement": "none",
            "amount": "3000",
            "funder_name": "Lottery",
        },
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "£5,000.00" in body and "£3,000.00" in body and "less than planned" in body
    assert "data-funding-chart" in body
    # The chart's figures are in the page (the same as the table's).
    assert '"planned": [5000.0], "secured": [3000.0]' in body


def test_outturn_page_for_an_area_with_a_cba(client_for, impl_area, impl_lead):
    cba = CbaFactory(area=impl_area)
    cost = CostLineFactory(cba=cba, amount=Decimal("1000"))
    client = client_for(impl_lead)
    url = reverse("delivery:area_outturn", args=[impl_area.reference])
    response = client.post(
        url, {"forecast_line": f"cost:{cost.pk}", "actual_amount": "1250", "kind": "cost"}
    )
    assert response.status_code == 302
    assert CbaOutturnLine.objects.get().cost_line == cost
    body = client.get(url).content.decode()
    assert "£1,250.00" in body and "+25.0%" in body


def test_outturn_page_without_a_cba(client_for, impl_area, impl_lead):
    response = client_for(impl_lead).get(
        reverse("delivery:area_outturn", args=[impl_area.reference])
    )
    assert response.status_code == 200
    assert "no cost benefit analysis" in response.content.decode()


def test_making_it_happen_commitments_through_the_page(
    client_for, impl_area, impl_lead, programme_manager
):
    client = client_for(impl_lead)
    url = reverse("delivery:area_making_it_happen", args=[impl_area.reference])
    assert client.post(url, {"sustainability_plan": "Council commissions it"}).status_code == 302
    response = client.post(
        reverse("delivery:commitment_add", args=[impl_area.reference]),
        {
            "public_body": "Leeds City Council",
            "body_type": "local_authority",
            "amount": "12000",
            "expected_payment_on": (today() + datetime.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    commitment = MatchFundingCommitment.objects.get()
    # The lead cannot confirm: a message, no change.
    client.post(reverse("delivery:commitment_move", args=[commitment.pk, "confirm"]))
    commitment.refresh_from_db()
    assert commitment.status == "committed"
    client_for(programme_manager).post(
        reverse("delivery:commitment_move", args=[commitment.pk, "confirm"])
    )
    commitment.refresh_from_db()
    assert commitment.status == "confirmed"
    body = client_for(programme_manager).get(url).content.decode()
    assert "Council commissions it" in body and "£12,000.00" in body and "Confirmed" in body


def test_area_page_shows_the_delivery_panel(client_for, impl_area, impl_lead):
    plan = PlanFactory(area=impl_area)
    ResourcingLine.objects.create(
        plan=plan, source="in_kind", year=2026, planned_amount=Decimal("2000")
    )
    FundingRecordFactory(area=impl_area, source="in_kind", year=2026, amount=Decimal("2000"))
    ProgressReturnFactory(area=impl_area, overdue=True)
    client = client_for(impl_lead)
    # The panel arrives after the page (core.area_panels). The page brings the chart's own small
    # script, not Chart.js (210 KB), which the panel's canvas loads when it has a chart to draw
    # (issue 25: scripts only where they are used).
    page = client.get(impl_area.get_absolute_url()).content.decode()
    assert "delivery/funding_chart.js" in page and "chart.umd.min.js" not in page
    body = area_panel(client, impl_area, "delivery")
    assert "Funding planned and secured" in body and "as planned" in body
    assert "Overdue" in body
    assert "data-funding-chart" in body and 'data-chart-src="/static/vendor/chartjs/' in body
