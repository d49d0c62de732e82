"""The finance pages, award detail and the area page's grants panel, in layers: anonymous ->
sign in; lead organisation -> 403 (staff pages) or 404 (other areas); staff -> 200 and content."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.testing import today
from grants.models import Award, Payment
from grants.services import award_grant
from grants.tests.factories import AwardFactory, PaymentFactory, accept_offer
from programmes.models import Stage
from programmes.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

STAFF = ["programme_manager", "funder_officer", "relationship_manager", "admin_user"]
FINANCE = reverse("grants:finance")
ROUNDS = reverse("grants:round_summary")


def _awarded(area, actor, stage=Stage.GETTING_GOING, amount="10000"):
    return accept_offer(award_grant(area=area, stage=stage, amount=Decimal(amount), actor=actor))


@pytest.mark.parametrize("url", [FINANCE, ROUNDS])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response.url


@pytest.mark.parametrize("url", [FINANCE, ROUNDS])
def test_lead_organisation_cannot_open_finance_pages(client_for, lead_user, url):
    assert client_for(lead_user).get(url).status_code == 403


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_payable_now_with_totals(request, client_for, area, programme_manager, role):
    _awarded(area, programme_manager)
    response = client_for(request.getfixturevalue(role)).get(FINANCE)
    assert response.status_code == 200
    body = response.content.decode()
    assert area.reference in body
    assert "£9,000.00" in body  # the advance is payable now, the retention is not
    assert 'id="total-payable">£9,000.00<' in body
    assert "£1,000.00" not in body


def test_only_managers_get_action_buttons(client_for, area, programme_manager, funder_officer):
    _awarded(area, programme_manager)
    approve = reverse("grants:payment_approve", args=[Payment.objects.get(kind="advance").pk])
    assert approve in client_for(programme_manager).get(FINANCE).content.decode()
    assert approve not in client_for(funder_officer).get(FINANCE).content.decode()


def test_finance_filters_by_round_and_status(client_for, programme_manager):
    first, second = AreaFactory(), AreaFactory()
    _awarded(first, programme_manager)
    _awarded(second, programme_manager, stage=Stage.GETTING_READY, amount="3000")
    client = client_for(programme_manager)
    body = client.get(FINANCE, {"round": second.round.slug}).content.decode()
    assert second.reference in body and first.reference not in body
    assert 'id="total-payable">£3,000.00<' in body
    body = client.get(FINANCE, {"status": "approved"}).content.decode()
    assert first.reference not in body and "Nothing is payable now" in body


def _many_payable(n, actor):
    for _ in range(n):
        area = AreaFactory()
        _awarded(area, actor)
        approved = PaymentFactory(award=AwardFactory(area=area, getting_ready=True), amount=3000)
        approved.status = Payment.Status.APPROVED
        approved.approved_by = actor
        approved.save()


@pytest.mark.parametrize("n", [2, 12])
def test_finance_page_queries_do_not_grow_with_rows(
    client_for, programme_manager, django_assert_max_num_queries, n
):
    _many_payable(n, programme_manager)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        response = client.get(FINANCE)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2 * n


@pytest.mark.parametrize("n", [2, 12])
def test_round_summary_queries_do_not_grow_with_rounds(
    client_for, programme_manager, django_assert_max_num_queries, n
):
    _many_payable(n, programme_manager)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(8):
        response = client.get(ROUNDS)
    assert response.status_code == 200
    assert len(response.context["rounds"]) == n


def test_round_summary_totals(client_for, area, programme_manager, finance_officer):
    from grants.services import payment_approve, payment_pay, retention_release

    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)
    response = client_for(programme_manager).get(ROUNDS)
    row = next(r for r in response.context["rounds"] if r.pk == area.round_id)
    assert (row.awarded, row.paid, row.held, row.to_pay) == (
        Decimal("10000.00"),
        Decimal("9000.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
    )
    retention_release(area=area, actor=programme_manager)
    response = client_for(programme_manager).get(ROUNDS)
    row = next(r for r in response.context["rounds"] if r.pk == area.round_id)
    assert (row.held, row.to_pay) == (Decimal("0.00"), Decimal("1000.00"))
    assert "£10,000.00" in response.content.decode()


def test_manager_approves_finance_pays_and_cancels_from_the_finance_page(
    client_for, area, programme_manager, finance_officer
):
    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    client = client_for(programme_manager)
    response = client.post(
        reverse("grants:payment_approve", args=[advance.pk]),
        {"next": FINANCE, "confirm": "1"},
        follow=True,
    )
    assert "approved" in response.content.decode()
    client = client_for(finance_officer)
    response = client.post(
        reverse("grants:payment_pay", args=[advance.pk]),
        {"reference": "BACS-7", "confirm": "1"},
        follow=True,
    )
    assert "marked as paid" in response.content.decode()
    advance.refresh_from_db()
    assert advance.status == Payment.Status.PAID and advance.reference == "BACS-7"
    # Refused moves come back as a message, not an error page.
    client = client_for(programme_manager)
    response = client.post(
        reverse("grants:payment_cancel", args=[advance.pk]), {"reason": "Oops"}, follow=True
    )
    assert response.status_code == 200
    assert "cannot be moved to cancelled" in response.content.decode()
    advance.refresh_from_db()
    assert advance.status == Payment.Status.PAID


def test_cancel_without_a_reason_is_refused(client_for, area, programme_manager):
    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    response = client_for(programme_manager).post(
        reverse("grants:payment_cancel", args=[advance.pk]), {"reason": ""}, follow=True
    )
    assert "say why" in response.content.decode()
    advance.refresh_from_db()
    assert advance.status == Payment.Status.SCHEDULED


@pytest.mark.parametrize("role", ["funder_officer", "relationship_manager"])
def test_view_only_staff_cannot_post_moves(request, client_for, area, programme_manager, role):
    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    client = client_for(request.getfixturevalue(role))
    assert client.post(reverse("grants:payment_approve", args=[advance.pk])).status_code == 403
    advance.refresh_from_db()
    assert advance.status == Payment.Status.SCHEDULED


def test_lead_organisation_cannot_touch_payments(
    client_for, area, other_area, lead_user, programme_manager
):
    own = _awarded(area, programme_manager).payments.get(kind="advance")
    other = _awarded(other_area, programme_manager).payments.get(kind="advance")
    client = client_for(lead_user)
    assert client.post(reverse("grants:payment_approve", args=[own.pk])).status_code == 403
    assert client.post(reverse("grants:payment_approve", args=[other.pk])).status_code == 404


def test_award_detail_layers(client, client_for, area, other_area, lead_user, programme_manager):
    own = _awarded(area, programme_manager)
    other = _awarded(other_area, programme_manager)
    url = reverse("grants:award_detail", args=[own.pk])
    assert client.get(url).status_code == 302
    lead = client_for(lead_user)
    assert lead.get(reverse("grants:award_detail", args=[other.pk])).status_code == 404
    body = lead.get(url).content.decode()
    assert "£9,000.00" in body and "Held back" in body
    assert "Cancel award" not in body and "Approve" not in body
    body = client_for(programme_manager).get(url).content.decode()
    assert "Cancel award" in body and "Approve" in body


def test_manager_cancels_an_award(client_for, area, programme_manager):
    award = _awarded(area, programme_manager)
    response = client_for(programme_manager).post(
        reverse("grants:award_cancel", args=[award.pk]), {"reason": "Area withdrew"}, follow=True
    )
    assert "cancelled" in response.content.decode()
    award.refresh_from_db()
    assert award.status == Award.Status.CANCELLED
    assert not award.payments.exclude(status=Payment.Status.CANCELLED).exists()


def test_area_page_shows_the_lead_organisation_only_its_own_payments(
    client_for, area, other_area, lead_user, programme_manager
):
    _awarded(area, programme_manager)
    _awarded(other_area, programme_manager, stage=Stage.GOING_FURTHER, amount="7777.77")
    client = client_for(lead_user)
    body = client.get(area.get_absolute_url()).content.decode()
    assert "Grants and payments" in body
    assert "£10,000.00" in body and "£9,000.00" in body and "Held back" in body
    assert "£7,777.77" not in body
    assert client.get(other_area.get_absolute_url()).status_code == 404


def test_area_panel_hides_other_areas_even_when_asked_directly(rf, area, other_area, lead_user):
    from grants.templatetags.grants_tags import area_grants_panel

    AwardFactory(area=other_area)
    assert area_grants_panel({}, other_area, lead_user)["awards"] == []


def test_area_panel_totals_for_staff(client_for, area, programme_manager, finance_officer):
    from grants.services import payment_approve, payment_pay

    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)
    response = client_for(programme_manager).get(area.get_absolute_url())
    body = response.content.decode()
    assert "Paid" in body and "£9,000.00" in body
    assert "Finance" in body  # the nav item for programme managers


def test_finance_nav_item_by_role(
    programme_manager, funder_officer, finance_officer, admin_user, relationship_manager, lead_user
):
    from accounts.navigation import nav_url_names

    for user in (programme_manager, funder_officer, finance_officer, admin_user):
        assert "grants:finance" in nav_url_names(user)
    for user in (relationship_manager, lead_user):
        assert "grants:finance" not in nav_url_names(user)


def test_a_manager_schedules_what_is_left_on_an_award(client_for, area, programme_manager):
    from grants.services import payment_cancel

    award = _awarded(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_cancel(payment=advance, actor=programme_manager, reason="Wrong bank details")
    client = client_for(programme_manager)
    page = client.get(award.get_absolute_url()).content.decode()
    assert "Not yet scheduled: £9,000.00" in page
    url = reverse("grants:payment_add", args=[award.pk])
    assert 'value="9000.00"' in client.get(url).content.decode()  # offered what is left

    response = client.post(url, {"amount": "9000.01", "due_on": ""})
    assert response.status_code == 200
    assert "Payments cannot exceed the award of £10,000.00: £9,000.00 is left to schedule." in (
        response.content.decode()
    )
    response = client.post(url, {"amount": "", "due_on": ""})
    assert "This field is required." in response.content.decode()
    assert award.payments.count() == 2

    # A payment scheduled ahead cannot be due before today (issue 25); today's is due now.
    response = client.post(url, {"amount": "9000", "due_on": "2019-03-14"})
    assert "must be today or later" in str(response.context["form"].errors["due_on"])
    assert award.payments.count() == 2
    response = client.post(url, {"amount": "9000", "due_on": today().isoformat()}, follow=True)
    assert "scheduled: it is now due to be paid." in response.content.decode()
    added = award.payments.get(kind=Payment.Kind.INSTALMENT)
    assert (added.amount, added.status) == (Decimal("9000.00"), Payment.Status.SCHEDULED)
    assert "Not yet scheduled" not in client.get(award.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "lead_user"])
def test_only_managers_schedule_payments(request, client_for, area, programme_manager, who):
    award = _awarded(area, programme_manager)
    response = client_for(request.getfixturevalue(who)).post(
        reverse("grants:payment_add", args=[award.pk]), {"amount": "1"}
    )
    assert response.status_code == 403
    assert award.payments.count() == 2
