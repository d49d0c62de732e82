"""Four eyes on money: whoever schedules a payment does not approve it, over the programme's
threshold two different people approve it, and a finance officer who did not approve it marks it
as paid. Through the services, the workflow table and the pages; and under two concurrent
approvals on PostgreSQL."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from core.testing import today
from core.workflow import MoveRefused
from grants import services
from grants.models import Payment
from grants.services import payment_add, payment_approve, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory, accept_offer
from grants.workflows import (
    APPROVER_MAY_NOT_PAY,
    FIRST_APPROVER_MAY_NOT_SECOND,
    PAYMENT,
    SCHEDULER_MAY_NOT_APPROVE,
    payment_context,
)

S = Payment.Status
# Payment dates are checked against today, so hold the day still for each test.
pytestmark = pytest.mark.usefixtures("clock")


def _week_ago():
    return today() - datetime.timedelta(days=7)


@pytest.fixture
def pm2(db):
    return UserFactory(username="pm2", programme_manager=True)


@pytest.fixture
def finance2(db):
    return UserFactory(username="finance2", finance_officer=True)


def _award(area, amount="20000"):
    return AwardFactory(area=area, amount=Decimal(amount), awarded_on=_week_ago())


def _scheduled_by(area, user, amount):
    """A payment scheduled by hand by `user` (payment_add records the scheduler)."""
    return payment_add(award=_award(area), amount=Decimal(amount), actor=user)


@pytest.mark.django_db
class TestServices:
    def test_the_scheduler_cannot_approve_and_another_approver_can(
        self, area, programme_manager, pm2
    ):
        payment = _scheduled_by(area, programme_manager, "500")
        assert payment.scheduled_by == programme_manager
        with pytest.raises(MoveRefused) as refused:
            payment_approve(payment=payment, actor=programme_manager)
        assert refused.value.reason == SCHEDULER_MAY_NOT_APPROVE
        assert refused.value.why == "condition"
        payment.refresh_from_db()
        assert payment.status == S.SCHEDULED and payment.approved_by is None
        payment_approve(payment=payment, actor=pm2)
        payment.refresh_from_db()
        assert payment.status == S.APPROVED and payment.approved_by == pm2

    def test_a_finance_officer_may_approve_what_they_did_not_schedule(
        self, area, programme_manager, finance_officer
    ):
        payment = _scheduled_by(area, programme_manager, "500")
        payment_approve(payment=payment, actor=finance_officer)
        assert payment.status == S.APPROVED and payment.approved_by == finance_officer

    def test_the_approver_cannot_pay_and_another_finance_officer_can(
        self, area, programme_manager, finance_officer, finance2
    ):
        payment = _scheduled_by(area, programme_manager, "500")
        payment_approve(payment=payment, actor=finance_officer)
        with pytest.raises(MoveRefused) as refused:
            payment_pay(payment=payment, actor=finance_officer)
        assert refused.value.reason == APPROVER_MAY_NOT_PAY
        payment.refresh_from_db()
        assert payment.status == S.APPROVED and payment.paid_by is None
        payment_pay(payment=payment, actor=finance2, reference="BACS-1")
        payment.refresh_from_db()
        assert payment.status == S.PAID and payment.paid_by == finance2

    def test_a_programme_manager_may_not_pay(self, area, programme_manager, pm2):
        payment = _scheduled_by(area, programme_manager, "500")
        payment_approve(payment=payment, actor=pm2)
        with pytest.raises(PermissionDenied) as refused:
            payment_pay(payment=payment, actor=programme_manager)
        assert str(refused.value) == "Only finance officers can mark payments as paid."
        payment.refresh_from_db()
        assert payment.status == S.APPROVED

    def test_over_the_threshold_two_different_approvers_are_needed(
        self, area, programme_manager, pm2, finance_officer, finance2
    ):
        # The default threshold is £10,000: £12,000 needs two approvers.
        assert area.round.programme.payments_second_approval_over == Decimal("10000.00")
        payment = _scheduled_by(area, programme_manager, "12000")
        payment_approve(payment=payment, actor=pm2)
        payment.refresh_from_db()
        assert payment.status == S.APPROVED_ONCE and payment.approved_by == pm2
        # Not payable yet.
        with pytest.raises(MoveRefused):
            payment_pay(payment=payment, actor=finance2)
        # Neither the first approver nor the scheduler can give the second approval.
        with pytest.raises(MoveRefused) as refused:
            payment_approve(payment=payment, actor=pm2)
        assert refused.value.reason == FIRST_APPROVER_MAY_NOT_SECOND
        with pytest.raises(MoveRefused) as refused:
            payment_approve(payment=payment, actor=programme_manager)
        assert refused.value.reason == SCHEDULER_MAY_NOT_APPROVE
        payment_approve(payment=payment, actor=finance_officer)
        payment.refresh_from_db()
        assert payment.status == S.APPROVED
        assert (payment.approved_by, payment.second_approved_by) == (pm2, finance_officer)
        assert payment.approved_at and payment.second_approved_at
        # Neither approver may pay it; a third person, a finance officer, may.
        with pytest.raises(MoveRefused) as refused:
            payment_pay(payment=payment, actor=finance_officer)
        assert refused.value.reason == APPROVER_MAY_NOT_PAY
        payment_pay(payment=payment, actor=finance2)
        payment.refresh_from_db()
        assert payment.status == S.PAID
        verbs = list(
            ActivityEntry.objects.filter(area=area).order_by("id").values_list("verb", "actor")
        )
        assert verbs[-3:] == [
            ("payment.approved", pm2.pk),
            ("payment.second_approved", finance_officer.pk),
            ("payment.paid", finance2.pk),
        ]

    def test_the_threshold_is_set_per_programme(self, area, programme_manager, pm2):
        programme = area.round.programme
        programme.payments_second_approval_over = Decimal("400")
        programme.save()
        payment = _scheduled_by(area, programme_manager, "500")
        payment_approve(payment=payment, actor=pm2)
        assert payment.status == S.APPROVED_ONCE
        programme.payments_second_approval_over = None  # one approver, whatever the amount
        programme.save()
        big = PaymentFactory(award=payment.award, amount=Decimal("15000"))
        payment_approve(payment=big, actor=pm2)
        assert big.status == S.APPROVED

    def test_a_payment_the_workflow_scheduled_may_be_approved_by_any_approver(
        self, area, programme_manager
    ):
        from grants.services import award_grant
        from programmes.models import Stage

        award = award_grant(
            area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
        )
        accept_offer(award)  # no approval before the lead organisation accepts the offer
        advance = award.payments.get(kind=Payment.Kind.ADVANCE)
        assert advance.scheduled_by is None  # the award decision scheduled it
        payment_approve(payment=advance, actor=programme_manager)
        assert advance.status == S.APPROVED


@pytest.mark.django_db
class TestPaymentDates:
    def _approved(self, area, approver, days_ago):
        payment = PaymentFactory(award=_award(area))
        payment_approve(
            payment=payment,
            actor=approver,
            occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
        return payment

    def test_paid_before_the_approval_is_refused_by_the_field(
        self, area, programme_manager, finance_officer
    ):
        payment = self._approved(area, programme_manager, days_ago=2)
        with pytest.raises(ValidationError) as refused:
            payment_pay(
                payment=payment,
                actor=finance_officer,
                paid_on=today() - datetime.timedelta(days=3),
            )
        assert "before the payment was approved" in refused.value.message_dict["paid_on"][0]
        payment.refresh_from_db()
        assert payment.status == S.APPROVED
        payment_pay(
            payment=payment,
            actor=finance_officer,
            paid_on=today() - datetime.timedelta(days=2),
        )
        assert payment.status == S.PAID

    def test_paid_before_the_award_or_in_1900_is_refused(
        self, area, programme_manager, finance_officer
    ):
        payment = PaymentFactory(award=_award(area), approved=True)  # no approval date recorded
        for day in (datetime.date(1900, 1, 1), _week_ago() - datetime.timedelta(days=1)):
            with pytest.raises(ValidationError) as refused:
                payment_pay(payment=payment, actor=finance_officer, paid_on=day)
            assert "before the award" in refused.value.message_dict["paid_on"][0]
        payment.refresh_from_db()
        assert payment.status == S.APPROVED and payment.paid_on is None

    def test_the_pay_page_shows_the_date_refusal_by_the_field(
        self, client_for, area, programme_manager, finance_officer
    ):
        payment = self._approved(area, programme_manager, days_ago=1)
        url = reverse("grants:payment_pay", args=[payment.pk])
        client = client_for(finance_officer)
        response = client.post(url, {"paid_on": "1900-01-01"})
        assert response.status_code == 200
        errors = response.context["form"].errors["paid_on"]
        assert errors[0].startswith("The payment date cannot be before the award")
        assert 'id="error_1_id_paid_on"' in response.content.decode()
        two_days_ago = (today() - datetime.timedelta(days=2)).isoformat()
        response = client.post(url, {"paid_on": two_days_ago})
        assert (
            response.context["form"]
            .errors["paid_on"][0]
            .startswith("The payment date cannot be before the payment was approved")
        )
        payment.refresh_from_db()
        assert payment.status == S.APPROVED
        response = client.post(url, {"paid_on": today().isoformat(), "confirm": "1"})
        assert response.status_code == 302
        payment.refresh_from_db()
        assert payment.status == S.PAID


@pytest.mark.django_db
class TestPages:
    def test_the_scheduler_sees_no_approve_button_and_a_post_is_refused_with_the_rule(
        self, client_for, area, programme_manager, pm2
    ):
        payment = _scheduled_by(area, programme_manager, "500")
        client = client_for(programme_manager)
        body = client.get(reverse("grants:finance")).content.decode()
        assert reverse("grants:payment_approve", args=[payment.pk]) not in body
        response = client.post(
            reverse("grants:payment_approve", args=[payment.pk]),
            {"next": reverse("grants:finance")},
            follow=True,
        )
        assert "You scheduled this payment; another programme manager" in (
            response.content.decode()
        )
        payment.refresh_from_db()
        assert payment.status == S.SCHEDULED
        body = client_for(pm2).get(reverse("grants:finance")).content.decode()
        assert reverse("grants:payment_approve", args=[payment.pk]) in body

    def test_finance_may_pay_from_the_page_and_a_programme_manager_may_not(
        self, client_for, area, programme_manager, pm2, finance_officer
    ):
        payment = _scheduled_by(area, programme_manager, "500")
        payment_approve(payment=payment, actor=pm2)
        pay = reverse("grants:payment_pay", args=[payment.pk])
        assert pay not in client_for(pm2).get(reverse("grants:finance")).content.decode()
        assert client_for(programme_manager).post(pay).status_code == 403
        assert pay in client_for(finance_officer).get(reverse("grants:finance")).content.decode()
        client_for(finance_officer).post(pay, {"reference": "BACS-9", "confirm": "1"})
        payment.refresh_from_db()
        assert payment.status == S.PAID and payment.paid_by == finance_officer

    def test_the_award_page_names_scheduler_and_both_approvers(
        self, client_for, area, programme_manager, pm2, finance_officer
    ):
        payment = _scheduled_by(area, programme_manager, "12000")
        payment_approve(payment=payment, actor=pm2)
        body = client_for(finance_officer).get(payment.award.get_absolute_url()).content.decode()
        assert "Awaiting second approval" in body
        assert f"Scheduled by {escape(str(programme_manager))}" in body
        assert reverse("grants:payment_approve", args=[payment.pk]) in body
        payment_approve(payment=payment, actor=finance_officer)
        body = client_for(pm2).get(payment.award.get_absolute_url()).content.decode()
        assert f"by {escape(str(pm2))}" in body and "second approval" in body


@pytest.mark.django_db
def test_the_table_with_a_payment_in_the_context(area, programme_manager, pm2, finance_officer):
    """moves_for with the payment: the buttons each person gets."""
    payment = _scheduled_by(area, programme_manager, "12000")

    def targets(user):
        return [
            m.target for m in PAYMENT.moves_for(payment, user, **payment_context(payment, user))
        ]

    assert targets(programme_manager) == [S.CANCELLED]
    assert targets(pm2) == [S.APPROVED_ONCE, S.CANCELLED]
    assert targets(finance_officer) == [S.APPROVED_ONCE]


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_record_exactly_one_second_approval(
    area, programme_manager, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locking (select_for_update) needs PostgreSQL; SQLite serialises whole-database "
            "writes. Run with DATABASE_URL=postgres://... (CI does)."
        )
    pm2 = UserFactory(username="pm2", programme_manager=True)
    finance = UserFactory(username="finance", finance_officer=True)
    payment = _scheduled_by(area, programme_manager, "12000")
    first = UserFactory(username="first", programme_manager=True)
    payment_approve(payment=payment, actor=first)
    assert payment.status == S.APPROVED_ONCE
    # Widen the window between the workflow check and the write, so that without the row lock
    # both would read "awaiting second approval" and both record a second approval.
    checked = services.PAYMENT.check

    def slow_check(*args, **kwargs):
        time.sleep(0.5)
        return checked(*args, **kwargs)

    monkeypatch.setattr(services.PAYMENT, "check", slow_check)
    start = threading.Barrier(2)
    done, refused, errors = [], [], []

    def approve(user):
        try:
            close_old_connections()
            start.wait(timeout=10)
            payment_approve(payment=Payment.objects.get(pk=payment.pk), actor=user)
            done.append(user.pk)
        except MoveRefused as exc:
            refused.append(exc.reason)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (pm2, finance)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(done) == 1 and len(refused) == 1
    assert refused[0] == "A payment that is approved cannot be moved to approved."
    payment.refresh_from_db()
    assert payment.status == S.APPROVED
    assert payment.approved_by == first and payment.second_approved_by_id == done[0]
    assert ActivityEntry.objects.filter(verb="payment.second_approved").count() == 1
