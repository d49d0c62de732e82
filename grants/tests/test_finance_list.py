"""The finance list's bulk work (select, confirm with the total, one result line per payment, each
payment on its own), its Overdue badge and its filters: due this week, overdue, awaiting my
approval, with the user's own open work first."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.testing import today
from grants import selectors
from grants.models import Payment
from grants.services import payment_add, payment_approve
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = Payment.Status
FINANCE = reverse("grants:finance")
BULK = reverse("grants:finance_bulk")


@pytest.fixture
def pm2(db):
    return UserFactory(username="pm2", programme_manager=True)


def _week_ago():
    return today() - datetime.timedelta(days=7)


def _payment(amount="1000", due_on=None, area=None, **kwargs):
    """A scheduled payment, due today unless `due_on` says otherwise."""
    award = AwardFactory(
        area=area or AreaFactory(), amount=Decimal("20000"), awarded_on=_week_ago()
    )
    due_on = today() if due_on is None else due_on
    return PaymentFactory(award=award, amount=Decimal(amount), due_on=due_on, **kwargs)


def _ids(*payments):
    return [str(p.pk) for p in payments]


class TestBulkApprove:
    def test_confirm_lists_the_payments_and_the_total_then_one_line_each(
        self, client_for, programme_manager, pm2
    ):
        mine = payment_add(
            award=AwardFactory(awarded_on=_week_ago()), amount=Decimal("700"), actor=pm2
        )
        plain = _payment("1000")
        big = _payment("12000")
        client = client_for(pm2)
        response = client.post(BULK, {"action": "approve", "payment": _ids(mine, plain, big)})
        assert response.status_code == 200
        body = response.content.decode()
        # What will be refused is listed apart with its reason, and left out of the total.
        assert 'id="bulk-total">£13,000.00<' in body
        for p in (mine, plain, big):
            assert p.award.area.reference in body
        assert [r["payment"].pk for r in response.context["refused"]] == [mine.pk]
        assert response.context["refused"][0]["refused"].startswith("You scheduled this payment")
        # Nothing has happened yet.
        assert Payment.objects.filter(status=S.SCHEDULED).count() == 3

        response = client.post(
            BULK, {"action": "approve", "payment": _ids(mine, plain, big), "confirm": "1"}
        )
        body = response.content.decode()
        assert "2 of 3 done" in body
        results = {r.payment.pk: r for r in response.context["results"]}
        assert not results[mine.pk].done
        assert results[mine.pk].message.startswith("You scheduled this payment")
        assert results[plain.pk].done and results[plain.pk].message == "Approved."
        assert results[big.pk].message == (
            "Approved once: This payment of £12,000.00 is over the programme's £10,000.00 "
            "second-approval threshold: a second approver must approve it."
        )
        statuses = dict(Payment.objects.values_list("pk", "status"))
        assert statuses == {mine.pk: S.SCHEDULED, plain.pk: S.APPROVED, big.pk: S.APPROVED_ONCE}

    def test_nothing_selected_goes_back_with_a_message(self, client_for, pm2):
        response = client_for(pm2).post(BULK, {"action": "approve"}, follow=True)
        assert "Select at least one payment" in response.content.decode()

    def test_people_who_cannot_work_on_payments_are_refused(
        self, client, client_for, funder_officer, lead_user
    ):
        payment = _payment()
        data = {"action": "approve", "payment": _ids(payment), "confirm": "1"}
        assert client.post(BULK, data).status_code == 302  # to sign in
        assert client_for(funder_officer).post(BULK, data).status_code == 403
        assert client_for(lead_user).post(BULK, data).status_code == 403
        payment.refresh_from_db()
        assert payment.status == S.SCHEDULED


class TestBulkPay:
    def test_finance_pays_what_it_did_not_approve_one_result_each(
        self, client_for, pm2, finance_officer
    ):
        approved_by_pm = _payment("1000")
        payment_approve(payment=approved_by_pm, actor=pm2)
        approved_by_me = _payment("2000")
        payment_approve(payment=approved_by_me, actor=finance_officer)
        not_approved = _payment("3000")
        client = client_for(finance_officer)
        ids = _ids(approved_by_pm, approved_by_me, not_approved)
        body = client.post(BULK, {"action": "pay", "payment": ids}).content.decode()
        assert 'id="bulk-total">£1,000.00<' in body
        response = client.post(
            BULK, {"action": "pay", "payment": ids, "confirm": "1", "reference": "BACS-RUN-3"}
        )
        results = {r.payment.pk: r for r in response.context["results"]}
        assert results[approved_by_pm.pk].done
        assert results[approved_by_me.pk].message.startswith("You approved this payment")
        assert "cannot be moved to paid" in results[not_approved.pk].message
        approved_by_pm.refresh_from_db()
        assert approved_by_pm.status == S.PAID and approved_by_pm.reference == "BACS-RUN-3"
        assert approved_by_pm.paid_by == finance_officer
        assert Payment.objects.filter(status=S.PAID).count() == 1

    def test_a_future_date_is_shown_by_the_field_and_nothing_is_paid(
        self, client_for, pm2, finance_officer
    ):
        payment = _payment()
        payment_approve(payment=payment, actor=pm2)
        tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
        response = client_for(finance_officer).post(
            BULK, {"action": "pay", "payment": _ids(payment), "confirm": "1", "paid_on": tomorrow}
        )
        assert "results" not in response.context
        assert response.context["form"].errors["paid_on"] == [
            "The payment date cannot be in the future."
        ]
        payment.refresh_from_db()
        assert payment.status == S.APPROVED


class TestOverdueAndFilters:
    def test_overdue_badge_on_unpaid_payments_past_their_due_date(self, client_for, pm2):
        late = _payment("1000", due_on=today() - datetime.timedelta(days=3))
        on_time = _payment("2000", due_on=today())
        assert late.is_overdue and not on_time.is_overdue
        paid_late = _payment("500", due_on=today() - datetime.timedelta(days=3), paid=True)
        assert not paid_late.is_overdue
        response = client_for(pm2).get(FINANCE)
        rows = {r["payment"].pk: r["payment"] for r in response.context["rows"]}
        assert rows[late.pk].is_overdue and not rows[on_time.pk].is_overdue
        assert response.content.decode().count('text-bg-danger">Overdue</span>') == 1

    def test_due_this_week_and_overdue(self, client_for, pm2):
        monday, sunday = selectors.week_of(today())
        this_week = _payment("1000", due_on=sunday)
        late = _payment("2000", due_on=today() - datetime.timedelta(days=30))
        later = _payment("3000", due_on=sunday + datetime.timedelta(days=1))
        client = client_for(pm2)

        def shown(show):
            response = client.get(FINANCE, {"show": show})
            return {r["payment"].pk for r in response.context["rows"]}

        assert shown("due_week") == {this_week.pk}
        assert shown("overdue") == {late.pk}
        assert shown("") == {this_week.pk, late.pk, later.pk}

    def test_awaiting_my_approval_and_my_work_first(
        self, client_for, programme_manager, pm2, finance_officer
    ):
        scheduled_by_me = payment_add(
            award=AwardFactory(awarded_on=_week_ago()), amount=Decimal("500"), actor=pm2
        )
        first_approved_by_me = _payment("12000", due_on=today() - datetime.timedelta(days=9))
        payment_approve(payment=first_approved_by_me, actor=pm2)
        for_me = _payment("800", due_on=today() + datetime.timedelta(days=20))
        second_for_me = _payment("12000", due_on=today() + datetime.timedelta(days=25))
        payment_approve(payment=second_for_me, actor=programme_manager)
        to_pay = _payment("900", due_on=today() - datetime.timedelta(days=40))
        payment_approve(payment=to_pay, actor=programme_manager)
        approved_by_finance = _payment("600", due_on=today() - datetime.timedelta(days=60))
        payment_approve(payment=approved_by_finance, actor=finance_officer)
        client = client_for(pm2)
        response = client.get(FINANCE, {"show": "mine"})
        assert [r["payment"].pk for r in response.context["rows"]] == [
            for_me.pk,
            second_for_me.pk,
        ]
        # Unfiltered, the user's own open work comes first, then the rest, oldest due first.
        response = client.get(FINANCE)
        order = [r["payment"].pk for r in response.context["rows"]]
        assert order[:2] == [for_me.pk, second_for_me.pk]
        assert set(order[2:]) == {
            scheduled_by_me.pk,
            first_approved_by_me.pk,
            to_pay.pk,
            approved_by_finance.pk,
        }
        # A finance officer's open work is approving and paying, never what they approved: the
        # payment they approved comes last although it is the oldest due.
        response = client_for(finance_officer).get(FINANCE)
        order = [r["payment"].pk for r in response.context["rows"]]
        assert order[-1] == approved_by_finance.pk
        assert order.index(to_pay.pk) < order.index(for_me.pk)


def _many(n, pm, approver):
    for i in range(n):
        scheduled = payment_add(
            award=AwardFactory(awarded_on=_week_ago(), amount=Decimal("20000")),
            amount=Decimal("12000"),
            actor=pm,
        )
        if i % 2:
            payment_approve(payment=scheduled, actor=approver)
        approved = _payment("1000", due_on=today() - datetime.timedelta(days=i))
        payment_approve(payment=approved, actor=approver)


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize("show", ["", "mine", "overdue", "due_week"])
def test_finance_list_queries_do_not_grow(
    client_for, programme_manager, pm2, finance_officer, django_assert_max_num_queries, n, show
):
    _many(n, programme_manager, pm2)
    client = client_for(finance_officer)
    with django_assert_max_num_queries(12):
        response = client.get(FINANCE, {"show": show} if show else {})
    assert response.status_code == 200
    if not show:
        assert len(response.context["rows"]) == 2 * n


@pytest.mark.parametrize("n", [2, 12])
def test_bulk_confirm_queries_do_not_grow(
    client_for, programme_manager, pm2, finance_officer, django_assert_max_num_queries, n
):
    _many(n, programme_manager, pm2)
    ids = list(Payment.objects.values_list("pk", flat=True))
    client = client_for(finance_officer)
    with django_assert_max_num_queries(10):
        response = client.post(BULK, {"action": "approve", "payment": ids})
    assert len(response.context["rows"]) + len(response.context["refused"]) == 2 * n


def test_finance_list_runs_the_same_queries_however_many_payments(
    client_for, programme_manager, pm2, finance_officer
):
    """The page's rows come in two queries (the page's ids, sorted as narrow rows, then those
    rows joined), so the count must not grow with the payments listed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(finance_officer)
    counts = []
    for n in (2, 10):
        _many(n, programme_manager, pm2)
        client.get(FINANCE)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(FINANCE)
        assert len(response.context["rows"]) == Payment.objects.count()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_each_page_of_the_finance_list_is_its_slice_of_the_list(
    client_for, programme_manager, pm2, finance_officer, monkeypatch
):
    """Paged by ids first: every page shows its own payments in the list's order, with the
    totals and the count of the whole list, and a cancelled award's payments stay out."""
    from grants import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    _many(5, programme_manager, pm2)
    cancelled = _payment("5000")
    cancelled.award.status = cancelled.award.Status.CANCELLED
    cancelled.award.save()
    expected = list(selectors.finance_list(user=finance_officer))
    assert cancelled not in expected
    client = client_for(finance_officer)
    shown = []
    for number in (1, 2, 3):
        response = client.get(FINANCE, {"page": number})
        assert response.context["page_obj"].paginator.count == 10
        rows = [r["payment"] for r in response.context["rows"]]
        assert all(p.award.area.lead_organisation.name for p in rows)
        shown += rows
    assert [p.pk for p in shown] == [p.pk for p in expected]
    assert response.context["totals"]["total"] == sum(p.amount for p in expected)
