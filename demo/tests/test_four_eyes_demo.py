"""Every payment in the demo respects four eyes: scheduled by one person (or the award decision),
approved by another (two others over the programme's threshold), paid by `finance`, who approved
none of it; and paid on or after its approval and its award. Four eyes count the award's money:
no award has more than the threshold approved by one person alone."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, User
from core.tests.demo_snapshot import load_demo_for_test
from grants.models import Payment

pytestmark = pytest.mark.django_db


def test_every_demo_payment_respects_four_eyes():
    load_demo_for_test()
    finance = User.objects.get(username="finance")
    assert finance.role == Role.FINANCE_OFFICER and finance.check_password("ourplace-demo")
    payments = Payment.objects.select_related("award__area__round__programme")
    statuses = set(payments.values_list("status", flat=True))
    assert {Payment.Status.APPROVED, Payment.Status.PAID} <= statuses
    checked = twice = 0
    for p in payments.filter(approved_by__isnull=False):
        checked += 1
        people = [p.scheduled_by_id, p.approved_by_id, p.second_approved_by_id]
        assert p.approved_by_id != p.scheduled_by_id, p.pk
        over = p.second_approval_over is not None and p.amount > p.second_approval_over
        if p.status in (Payment.Status.APPROVED, Payment.Status.PAID) and over:
            twice += 1
            assert p.second_approved_by_id not in (None, p.approved_by_id, p.scheduled_by_id)
        if p.status == Payment.Status.PAID:
            assert p.paid_by_id == finance.pk, p.pk
            assert p.paid_by_id not in people, p.pk
            assert p.paid_on >= p.award.awarded_on
            assert p.paid_on >= timezone.localdate(p.second_approved_at or p.approved_at)
    # Paid payments that no one approved would slip past the loop above.
    assert not payments.filter(status=Payment.Status.PAID, approved_by__isnull=True).exists()
    assert checked > 20
    assert twice > 0, "the demo shows payments that needed two approvers"
    # Over each award's life, what one person approved alone (approved or paid, with no second
    # approver) stays within the programme's threshold.
    alone = defaultdict(Decimal)
    limits = {}
    for p in payments.filter(
        status__in=[Payment.Status.APPROVED, Payment.Status.PAID],
        approved_by__isnull=False,
        second_approved_by__isnull=True,
    ):
        alone[p.award_id] += p.amount
        limits[p.award_id] = p.second_approval_over
    for award_id, amount in alone.items():
        assert limits[award_id] is None or amount <= limits[award_id], award_id
