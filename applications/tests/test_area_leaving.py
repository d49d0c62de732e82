"""An area leaving the programme (withdrawn / did not progress) and being reinstated: the
workflow table, what happens to its open applications and unpaid money, and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import ActivityEntry, Notification
from applications import services
from applications.models import GateStatus
from applications.tests.factories import GateFactory
from grants.models import Payment
from grants.services import award_grant, payment_approve, payment_pay
from grants.tests.factories import accept_offer
from programmes.models import AreaStatus, Stage
from programmes.workflows import AREA

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded_area(area, programme_manager, finance_officer, lead_user):
    """An area with a Getting Going award: the 90% advance paid, the 10% held; its Getting
    Ready award's advance approved but not paid; and a Going Further application open."""
    ready = award_grant(
        area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=programme_manager
    )
    accept_offer(ready)
    payment_approve(payment=ready.payments.get(), actor=programme_manager)
    going = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    advance = accept_offer(going).payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)
    GateFactory(area=area, submitted=True, target_stage="going_further")
    AreaAssignmentFactory(area=area)
    return area


@pytest.mark.parametrize(
    "role, status, target, allowed",
    [
        ("programme_manager", "active", "withdrawn", True),
        ("admin", "active", "not_progressed", True),
        ("programme_manager", "withdrawn", "active", True),
        ("programme_manager", "not_progressed", "active", True),
        ("funder_officer", "active", "withdrawn", False),
        ("relationship_manager", "active", "withdrawn", False),
        ("lead", "active", "withdrawn", False),
        ("programme_manager", "withdrawn", "not_progressed", False),
        ("programme_manager", "completed", "active", False),
    ],
)
def test_area_moves_per_role(role, status, target, allowed):
    user = UserFactory(**({role: True} if role != "lead" else {}))
    assert AREA.allows(status, target, user)[0] is allowed


def test_withdrawing_withdraws_open_gates_and_cancels_only_unpaid_money(
    funded_area, programme_manager, lead_user
):
    result = services.area_leave(
        area=funded_area,
        outcome=AreaStatus.WITHDRAWN,
        reasons="The trust has closed.",
        actor=programme_manager,
    )
    funded_area.refresh_from_db()
    assert funded_area.status == AreaStatus.WITHDRAWN
    assert [g.status for g in result.gates_withdrawn] == [GateStatus.WITHDRAWN]
    statuses = sorted(
        Payment.objects.filter(award__area=funded_area).values_list("kind", "status", "amount")
    )
    assert statuses == [
        (Payment.Kind.ADVANCE, Payment.Status.CANCELLED, Decimal("3000.00")),  # approved, unpaid
        (Payment.Kind.ADVANCE, Payment.Status.PAID, Decimal("9000.00")),  # stays on record
        (Payment.Kind.RETENTION, Payment.Status.CANCELLED, Decimal("1000.00")),  # was held
    ]
    assert result.money_cancelled == Decimal("4000.00")
    cancelled = Payment.objects.filter(award__area=funded_area, status=Payment.Status.CANCELLED)
    assert {p.cancelled_reason for p in cancelled} == {"The area withdrawn: The trust has closed."}
    entry = ActivityEntry.objects.get(area=funded_area, verb="area.moved")
    assert (entry.summary, entry.reason) == ("Withdrew from the programme", "The trust has closed.")
    told = set(Notification.objects.filter(entry=entry).values_list("recipient_id", flat=True))
    rm = funded_area.assignments.get().user
    assert told == {lead_user.pk, rm.pk}


def test_leaving_needs_reasons_and_a_manager(funded_area, programme_manager, funder_officer):
    with pytest.raises(ValidationError) as exc:
        services.area_leave(
            area=funded_area, outcome=AreaStatus.WITHDRAWN, reasons=" ", actor=programme_manager
        )
    assert "reasons" in exc.value.message_dict
    with pytest.raises(PermissionDenied, match="Only admins, programme managers"):
        services.area_leave(
            area=funded_area, outcome=AreaStatus.WITHDRAWN, reasons="x", actor=funder_officer
        )
    funded_area.refresh_from_db()
    assert funded_area.status == AreaStatus.ACTIVE
    assert not Payment.objects.filter(status=Payment.Status.CANCELLED).exists()


def test_an_area_that_left_cannot_leave_again(funded_area, programme_manager):
    services.area_leave(
        area=funded_area, outcome=AreaStatus.WITHDRAWN, reasons="Closed.", actor=programme_manager
    )
    with pytest.raises(PermissionDenied, match="An area that is withdrawn cannot become"):
        services.area_leave(
            area=funded_area,
            outcome=AreaStatus.NOT_PROGRESSED,
            reasons="Again.",
            actor=programme_manager,
        )


def test_reinstating_makes_the_area_active_and_leaves_cancelled_payments_cancelled(
    funded_area, programme_manager
):
    services.area_leave(
        area=funded_area,
        outcome=AreaStatus.NOT_PROGRESSED,
        reasons="No partners.",
        actor=programme_manager,
    )
    services.area_reinstate(
        area=funded_area, reasons="Recorded against the wrong area.", actor=programme_manager
    )
    funded_area.refresh_from_db()
    assert funded_area.status == AreaStatus.ACTIVE
    assert Payment.objects.filter(award__area=funded_area, status="cancelled").count() == 2
    with pytest.raises(PermissionDenied, match="An area that is active cannot become active"):
        services.area_reinstate(area=funded_area, reasons="Twice.", actor=programme_manager)


def test_the_page_shows_what_will_happen_then_records_it(
    client_for, funded_area, programme_manager
):
    url = reverse("applications:area_leave", args=[funded_area.reference])
    client = client_for(programme_manager)
    page = client.get(url).content.decode()
    assert "Cancels 2 payments not yet made, £4,000.00 in all" in page
    assert "Withdraws 1 open stage-gate application" in page

    response = client.post(url, {"outcome": "withdrawn", "reasons": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    funded_area.refresh_from_db()
    assert funded_area.status == AreaStatus.ACTIVE

    data = {"outcome": "withdrawn", "reasons": "Closed.", "confirm": "1"}  # the page's button
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "is recorded as withdrawn." in html
    assert "2 unpaid payments totalling £4,000.00 cancelled." in html
    assert "Reinstate" in html and "Record that the area has left" not in html

    again = client.get(url, follow=True).content.decode()
    assert "has already left the programme (Withdrawn)" in again


def test_the_reinstate_page(client_for, funded_area, programme_manager):
    services.area_leave(
        area=funded_area, outcome=AreaStatus.WITHDRAWN, reasons="Closed.", actor=programme_manager
    )
    url = reverse("applications:area_reinstate", args=[funded_area.reference])
    client = client_for(programme_manager)
    response = client.post(url, {"reasons": ""})
    assert "This field is required." in response.content.decode()
    response = client.post(url, {"reasons": "A mistake."}, follow=True)
    assert "is active again" in response.content.decode()
    funded_area.refresh_from_db()
    assert funded_area.status == AreaStatus.ACTIVE


@pytest.mark.parametrize("who", ["lead_user", "funder_officer", "relationship_manager"])
def test_only_managers_reach_the_pages(request, client_for, funded_area, who):
    client = client_for(request.getfixturevalue(who))
    for name in ("area_leave", "area_reinstate"):
        assert (
            client.get(reverse(f"applications:{name}", args=[funded_area.reference])).status_code
            == 403
        )
    area_page = client.get(funded_area.get_absolute_url())
    assert "Record that the area has left" not in area_page.content.decode()


def test_a_plan_not_approved_means_the_area_did_not_progress(programme_manager):
    from plans import services as plan_services
    from plans.tests.factories import PlanFactory
    from plans.workflows import PlanStatus

    plan = PlanFactory(status=PlanStatus.UNDER_REVIEW)
    plan_services.plan_not_approve(plan=plan, actor=programme_manager, reasons="No partners.")
    plan.area.refresh_from_db()
    assert plan.area.status == AreaStatus.NOT_PROGRESSED
    entry = ActivityEntry.objects.get(area=plan.area, verb="area.moved")
    assert entry.summary == "Did not progress: operational plan not approved"


def test_a_lead_user_cannot_move_an_area(funded_area, lead_user):
    # lead_user belongs to the area's lead organisation, and still may not.
    with pytest.raises(PermissionDenied):
        services.area_leave(
            area=funded_area, outcome=AreaStatus.WITHDRAWN, reasons="We quit.", actor=lead_user
        )
