"""Four eyes on the award, not the slip: whether a payment needs a second approver depends on
the money of its award (this payment plus what the award has had approved, paid, or approved and
then cancelled, over its whole life), so splitting a payment, or cancelling and rescheduling it,
cannot bring it under the programme's threshold. Cancelling approved money and scheduling money
again on that award need reasons, shown on the finance list.

Who may do what here (this file's own expectations, not read from the code):
- under the threshold, on an award with nothing else approved: one approver;
- a payment that takes the award's approved, paid or approved-then-cancelled money over the
  threshold: two approvers, and a refusal naming the totals and the threshold;
- scheduling on an award with a payment cancelled after approval: only with a reason."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from core.workflow import MoveRefused
from grants import services
from grants.models import Payment
from grants.services import payment_add, payment_approve, payment_cancel, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory
from grants.workflows import PAYMENT, payment_context
from programmes.models import Stage

S = Payment.Status
FINANCE = reverse("grants:finance")
BULK = reverse("grants:finance_bulk")
OVER_13500 = (
    "Payments on this award total £13,500.00 with this one, over the programme's £10,000.00 "
    "second-approval threshold: a second approver must approve it."
)


@pytest.fixture
def pm2(db):
    return UserFactory(username="pm2", programme_manager=True)


@pytest.fixture
def finance2(db):
    return UserFactory(username="finance2", finance_officer=True)


def _award(area, amount="15000", stage=Stage.GOING_FURTHER):
    """A Going Further award (by default), its offer accepted, awarded a week ago."""
    return AwardFactory(
        area=area,
        stage=stage,
        amount=Decimal(amount),
        awarded_on=timezone.localdate() - timezone.timedelta(days=7),
    )


def _split(area, pm):
    """The reproduction: the award decision scheduled £13,500 (two approvers); pm cancels it and
    schedules the same money again as two payments of £6,750."""
    award = _award(area)
    whole = PaymentFactory(award=award, amount=Decimal("13500"))
    payment_cancel(payment=whole, actor=pm, reason="Paying it in two instalments")
    first = payment_add(award=award, amount=Decimal("6750"), actor=pm)
    second = payment_add(award=award, amount=Decimal("6750"), actor=pm)
    return award, first, second


@pytest.mark.django_db
class TestSplitting:
    def test_reproduction_two_halves_cannot_both_pass_one_approver(
        self, area, programme_manager, finance_officer
    ):
        _award_, first, second = _split(area, programme_manager)
        payment_approve(payment=first, actor=finance_officer)
        assert first.status == S.APPROVED
        payment_approve(payment=second, actor=finance_officer)
        second.refresh_from_db()
        assert second.status == S.APPROVED_ONCE, "the second half took the award over £10,000"
        assert second.approved_by == finance_officer and second.second_approved_by is None

    def test_the_one_approval_move_is_refused_naming_the_rule(
        self, area, programme_manager, finance_officer
    ):
        _award_, first, second = _split(area, programme_manager)
        payment_approve(payment=first, actor=finance_officer)
        second.refresh_from_db()
        with pytest.raises(MoveRefused) as refused:
            PAYMENT.check(second, S.APPROVED, finance_officer, **payment_context(second, None))
        assert refused.value.reason == OVER_13500
        assert refused.value.code == "move_refused_condition"

    def test_reproduction_bulk_approve_gives_the_second_half_a_first_approval_only(
        self, client_for, area, programme_manager, finance_officer
    ):
        _award_, first, second = _split(area, programme_manager)
        client = client_for(finance_officer)
        ids = [first.pk, second.pk]
        preview = client.post(BULK, {"action": "approve", "payment": ids})
        rows = {r["payment"].pk: r for r in preview.context["rows"]}
        # The confirmation reads the selection in order: the second half needs two approvers.
        assert not rows[first.pk]["second_approval"]
        assert rows[second.pk]["second_approval"] == OVER_13500
        assert escape(OVER_13500) in preview.content.decode()
        response = client.post(BULK, {"action": "approve", "payment": ids, "confirm": "1"})
        results = {r.payment.pk: r for r in response.context["results"]}
        assert results[first.pk].message == "Approved."
        assert results[second.pk].message == f"Approved once: {OVER_13500}"
        statuses = dict(Payment.objects.filter(pk__in=ids).values_list("pk", "status"))
        assert statuses == {first.pk: S.APPROVED, second.pk: S.APPROVED_ONCE}

    def test_paid_money_counts_too(self, area, programme_manager, pm2, finance_officer):
        award = _award(area, "20000")
        earlier = payment_add(award=award, amount=Decimal("9000"), actor=programme_manager)
        payment_approve(payment=earlier, actor=pm2)
        payment_pay(payment=earlier, actor=finance_officer)
        later = payment_add(award=award, amount=Decimal("1500"), actor=programme_manager)
        payment_approve(payment=later, actor=pm2)
        assert later.status == S.APPROVED_ONCE

    def test_scheduled_and_held_money_of_the_award_does_not_count(
        self, area, programme_manager, pm2
    ):
        award = _award(area, "20000")
        PaymentFactory(award=award, amount=Decimal("5000"), held=True)
        PaymentFactory(award=award, amount=Decimal("5000"))
        payment = payment_add(award=award, amount=Decimal("9000"), actor=programme_manager)
        payment_approve(payment=payment, actor=pm2)
        assert payment.status == S.APPROVED

    def test_another_awards_money_does_not_count(self, area, programme_manager, pm2):
        other = _award(area, "20000", stage=Stage.BREAKING_NEW_GROUND)
        PaymentFactory(award=other, amount=Decimal("9000"), approved=True)
        payment = payment_add(
            award=_award(area, "20000"), amount=Decimal("9000"), actor=programme_manager
        )
        payment_approve(payment=payment, actor=pm2)
        assert payment.status == S.APPROVED


@pytest.mark.django_db
class TestCancelledAfterApproval:
    def _approved_then_cancelled(self, area, pm, approver):
        award = _award(area)
        payment = payment_add(award=award, amount=Decimal("8000"), actor=pm)
        payment_approve(payment=payment, actor=approver)
        assert payment.status == S.APPROVED
        return award, payment

    def test_cancelling_approved_money_needs_a_reason_and_records_it(
        self, area, programme_manager, pm2
    ):
        _award_, payment = self._approved_then_cancelled(area, programme_manager, pm2)
        with pytest.raises(ValidationError) as refused:
            payment_cancel(payment=payment, actor=programme_manager, reason="  ")
        assert refused.value.error_dict["reason"][0].code == "cancel_reason_required"
        payment_cancel(payment=payment, actor=programme_manager, reason="Bank details changed")
        payment.refresh_from_db()
        assert payment.status == S.CANCELLED and payment.cancelled_reason == "Bank details changed"
        entry = ActivityEntry.objects.get(verb="payment.cancelled", target_id=str(payment.pk))
        assert entry.reason == "Bank details changed"
        assert "cancelled after approval" in entry.summary
        assert entry.data["approved_before"] is True

    def test_rescheduling_on_that_award_needs_a_reason_and_counts_the_cancelled_money(
        self, area, programme_manager, pm2, finance_officer
    ):
        award, payment = self._approved_then_cancelled(area, programme_manager, pm2)
        payment_cancel(payment=payment, actor=programme_manager, reason="Bank details changed")
        with pytest.raises(ValidationError) as refused:
            payment_add(award=award, amount=Decimal("4000"), actor=programme_manager)
        error = refused.value.error_dict["reason"][0]
        assert error.code == "reschedule_reason_required"
        assert "£8,000.00" in error.message and "Bank details changed" in error.message
        assert award.payments.count() == 1
        again = payment_add(
            award=award,
            amount=Decimal("4000"),
            actor=programme_manager,
            reason="New account confirmed by phone",
        )
        assert again.rescheduled_reason == "New account confirmed by phone"
        entry = ActivityEntry.objects.get(verb="payment.scheduled", target_id=str(again.pk))
        assert entry.reason == "New account confirmed by phone"
        # £8,000 approved then cancelled + £4,000: over £10,000, so two approvers.
        payment_approve(payment=again, actor=finance_officer)
        assert again.status == S.APPROVED_ONCE

    def test_cancelling_money_that_was_never_approved_asks_no_reason_to_reschedule(
        self, area, programme_manager
    ):
        award = _award(area)
        payment = PaymentFactory(award=award, amount=Decimal("8000"))
        payment_cancel(payment=payment, actor=programme_manager, reason="Wrong amount")
        again = payment_add(award=award, amount=Decimal("7000"), actor=programme_manager)
        assert again.rescheduled_reason == ""

    def test_the_finance_list_and_award_page_show_both_reasons_and_the_second_approver(
        self, client_for, area, programme_manager, pm2, finance_officer
    ):
        award, payment = self._approved_then_cancelled(area, programme_manager, pm2)
        payment_cancel(payment=payment, actor=programme_manager, reason="Bank details changed")
        again = payment_add(
            award=award,
            amount=Decimal("4000"),
            actor=programme_manager,
            reason="New account confirmed by phone",
        )
        rule = (
            "Payments on this award total £12,000.00 with this one, over the programme's "
            "£10,000.00 second-approval threshold: a second approver must approve it."
        )
        client = client_for(finance_officer)
        for url in (FINANCE, award.get_absolute_url()):
            body = client.get(url).content.decode()
            assert "Rescheduled after cancellation: New account confirmed by phone" in body, url
            assert "Bank details changed" in body, url
            assert escape(rule) in body, url
        rows = {r["payment"].pk: r for r in client.get(FINANCE).context["rows"]}
        assert rows[again.pk]["second_approval"] == rule

    def test_the_schedule_page_asks_for_the_reason(self, client_for, area, programme_manager, pm2):
        award, payment = self._approved_then_cancelled(area, programme_manager, pm2)
        payment_cancel(payment=payment, actor=programme_manager, reason="Bank details changed")
        url = reverse("grants:payment_add", args=[award.pk])
        client = client_for(programme_manager)
        page = client.get(url).content.decode()
        assert "cancelled after it was approved" in page and "Bank details changed" in page
        response = client.post(url, {"amount": "4000"})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        client.post(url, {"amount": "4000", "reason": "Paid to the new account"})
        assert award.payments.get(status=S.SCHEDULED).rescheduled_reason == (
            "Paid to the new account"
        )


@pytest.mark.django_db(transaction=True)
def test_two_first_approvals_of_two_halves_at_once_cannot_both_slip_under(
    area, programme_manager, monkeypatch
):
    """The award row is locked before its approved money is read: two approvers approving the two
    halves at the same moment are served one after the other, and the second sees the first."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locking (select_for_update) needs PostgreSQL; SQLite serialises whole-database "
            "writes. Run with DATABASE_URL=postgres://... (CI does)."
        )
    pm2 = UserFactory(username="pm2", programme_manager=True)
    finance = UserFactory(username="finance", finance_officer=True)
    _award_, first, second = _split(area, programme_manager)
    # Widen the window between reading the award's approved money and writing the approval, so
    # that without the award's row lock both would read £0 and both approve alone.
    checked = services.PAYMENT.check

    def slow_check(*args, **kwargs):
        time.sleep(0.5)
        return checked(*args, **kwargs)

    monkeypatch.setattr(services.PAYMENT, "check", slow_check)
    start = threading.Barrier(2)
    errors = []

    def approve(payment, user):
        try:
            close_old_connections()
            start.wait(timeout=10)
            payment_approve(payment=Payment.objects.get(pk=payment.pk), actor=user)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(first, pm2)),
        threading.Thread(target=approve, args=(second, finance)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    statuses = sorted(Payment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status"))
    assert statuses == [(S.APPROVED,), (S.APPROVED_ONCE,)]


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 10])
def test_the_award_page_says_who_must_approve_without_a_query_per_payment(
    client_for, area, programme_manager, pm2, finance_officer, django_assert_max_num_queries, n
):
    """Every scheduled payment of an award with £9,000 approved needs a second approver; the
    award page says so for each, in the same number of queries however many there are."""
    award = _award(area, "100000")
    approved = payment_add(award=award, amount=Decimal("9000"), actor=programme_manager)
    payment_approve(payment=approved, actor=pm2)
    for _ in range(n):
        payment_add(award=award, amount=Decimal("1500"), actor=programme_manager)
    client = client_for(finance_officer)
    client.get(award.get_absolute_url())
    with django_assert_max_num_queries(8):
        response = client.get(award.get_absolute_url())
    notes = [r["second_approval"] for r in response.context["payments"]]
    assert notes[0] == ""  # approved already
    assert (
        notes[1:]
        == [
            "Payments on this award total £10,500.00 with this one, over the programme's "
            "£10,000.00 second-approval threshold: a second approver must approve it."
        ]
        * n
    )
    assert response.content.decode().count('data-four-eyes="second-approver"') == n
