"""Awarding a grant: the amount range, one live award per area and stage, and the schedule."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from activity.models import ActivityEntry, Visibility
from grants.models import FINAL_PLAN_SUBMITTED, Award, Payment
from grants.services import award_cancel, award_grant, split_schedule
from grants.tests.factories import AwardFactory
from programmes.models import Stage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "amount, share, advance, retention",
    [
        ("10000.00", "90", "9000.00", "1000.00"),
        ("12345.67", "90", "11111.10", "1234.57"),
        ("5000.05", "90", "4500.05", "500.00"),  # 4500.045 rounds half up
        ("5000.01", "90", "4500.01", "500.00"),
        ("20000.00", "50", "10000.00", "10000.00"),
        ("3000.00", "100", "3000.00", "0.00"),
        ("33333.33", "33.33", "11110.00", "22223.33"),
    ],
)
def test_split_adds_up_to_the_award_exactly(amount, share, advance, retention):
    got_advance, got_retention = split_schedule(
        amount=Decimal(amount), advance_share_pct=Decimal(share)
    )
    assert (got_advance, got_retention) == (Decimal(advance), Decimal(retention))
    assert got_advance + got_retention == Decimal(amount)


def test_getting_going_is_paid_90_in_advance_and_10_held_for_the_final_plan(
    area, programme_manager
):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    advance, retention = award.payments.order_by("id")
    assert (advance.kind, advance.status, advance.amount) == (
        Payment.Kind.ADVANCE,
        Payment.Status.SCHEDULED,
        Decimal("9000.00"),
    )
    assert (retention.kind, retention.status, retention.amount) == (
        Payment.Kind.RETENTION,
        Payment.Status.HELD,
        Decimal("1000.00"),
    )
    assert retention.release_condition == FINAL_PLAN_SUBMITTED
    award.refresh_from_db()
    assert award.total_scheduled == award.amount == Decimal("10000.00")
    assert award.awarded_by == programme_manager


def test_odd_pence_schedule_adds_up_exactly(area, programme_manager):
    award = award_grant(
        area=area, stage=Stage.GOING_FURTHER, amount=Decimal("12345.67"), actor=programme_manager
    )
    amounts = [p.amount for p in award.payments.order_by("id")]
    assert amounts == [Decimal("11111.10"), Decimal("1234.57")]
    assert sum(amounts) == Decimal("12345.67")


def test_full_advance_stage_has_no_retention(area, programme_manager):
    award = award_grant(
        area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=programme_manager
    )
    assert list(award.payments.values_list("kind", "status", "amount")) == [
        (Payment.Kind.ADVANCE, Payment.Status.SCHEDULED, Decimal("3000.00"))
    ]


@pytest.mark.parametrize(
    "stage, amount, message",
    [
        (Stage.GOING_FURTHER, "4999.99", "between £5,000.00 and £20,000.00; £4,999.99"),
        (Stage.GOING_FURTHER, "20000.01", "between £5,000.00 and £20,000.00; £20,000.01"),
        (Stage.GETTING_GOING, "12000", "is £10,000.00; £12,000.00 was entered"),
    ],
)
def test_amount_outside_the_stage_range_is_refused(area, programme_manager, stage, amount, message):
    with pytest.raises(ValidationError) as exc:
        award_grant(area=area, stage=stage, amount=Decimal(amount), actor=programme_manager)
    assert message in exc.value.message_dict["amount"][0]
    assert not Award.objects.exists()
    assert not Payment.objects.exists()


def test_one_live_award_per_area_and_stage(area, programme_manager):
    award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    with pytest.raises(ValidationError) as exc:
        award_grant(
            area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
        )
    assert "already has a live Getting Going award" in exc.value.message_dict["stage"][0]
    assert Award.objects.count() == 1


def test_one_live_award_is_a_database_rule(area):
    AwardFactory(area=area, stage=Stage.GETTING_GOING)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardFactory(area=area, stage=Stage.GETTING_GOING)


def test_a_cancelled_award_frees_the_stage_for_a_new_award(area, programme_manager):
    first = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    award_cancel(award=first, actor=programme_manager, reason="Awarded to the wrong area")
    second = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    assert second.pk != first.pk
    assert Award.objects.filter(area=area, status=Award.Status.LIVE).get() == second


def test_award_is_recorded_for_the_area_to_see(area, programme_manager):
    award_grant(
        area=area,
        stage=Stage.GETTING_GOING,
        amount=Decimal("10000"),
        actor=programme_manager,
        reason="Strong logic model",
    )
    entry = ActivityEntry.objects.get(verb="grant.awarded")
    assert entry.area == area
    assert entry.visibility == Visibility.AREA
    assert "£10,000.00" in entry.summary and "£1,000.00 on the final plan" in entry.summary
    assert entry.reason == "Strong logic model"


def test_imported_award_keeps_its_own_date(area):
    import datetime

    from django.utils import timezone

    when = timezone.make_aware(datetime.datetime(2017, 3, 14, 10, 0))
    award = award_grant(
        area=area,
        stage=Stage.GETTING_READY,
        amount=Decimal("3000"),
        actor=None,
        imported=True,
        occurred_at=when,
    )
    assert award.imported and award.awarded_on == datetime.date(2017, 3, 14)
    entry = ActivityEntry.objects.get(verb="grant.awarded")
    assert entry.imported and entry.occurred_at == when


@pytest.mark.parametrize("role", ["relationship_manager", "lead_user"])
def test_only_decision_makers_can_award(request, area, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        award_grant(area=area, stage=Stage.GETTING_READY, amount=Decimal("3000"), actor=user)
    assert not Award.objects.exists()


def test_unfunded_stage_is_refused(area, programme_manager):
    with pytest.raises(ValidationError) as exc:
        award_grant(
            area=area, stage=Stage.APPLICATION, amount=Decimal("1"), actor=programme_manager
        )
    assert "stage" in exc.value.message_dict


def test_an_imported_award_records_its_advance_as_paid_on_the_award_date(area, programme_manager):
    import datetime

    from django.utils import timezone

    from grants.services import IMPORTED_PAYMENT_REFERENCE, retention_release

    when = timezone.make_aware(datetime.datetime(2024, 3, 4, 10, 0))
    award = award_grant(
        area=area,
        stage=Stage.GETTING_GOING,
        amount=Decimal("10000"),
        actor=programme_manager,
        occurred_at=when,
        imported=True,
    )
    advance, retention = award.payments.order_by("id")
    assert (advance.status, advance.paid_on, advance.reference) == (
        Payment.Status.PAID,
        datetime.date(2024, 3, 4),
        IMPORTED_PAYMENT_REFERENCE,
    )
    assert retention.status == Payment.Status.HELD  # still waits for its condition
    entry = ActivityEntry.objects.get(verb="grant.awarded", area=area)
    assert entry.imported and "£9,000.00 recorded as paid on 04 March 2024" in entry.summary

    released = retention_release(
        area=area,
        actor=programme_manager,
        occurred_at=timezone.make_aware(datetime.datetime(2024, 7, 1, 9, 0)),
        imported=True,
    )
    assert [(p.status, p.paid_on) for p in released] == [
        (Payment.Status.PAID, datetime.date(2024, 7, 1))
    ]
    assert retention_release(area=area, actor=programme_manager, imported=True) == []
