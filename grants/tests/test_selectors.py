"""Totals per area and per round, and payable_now shaped for the finance page."""

from decimal import Decimal

import pytest

from grants import selectors
from grants.models import Payment
from grants.services import (
    award_cancel,
    award_grant,
    payment_approve,
    payment_pay,
    retention_release,
)
from grants.tests.factories import accept_offer
from programmes.models import Stage
from programmes.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def _award(area, actor, stage=Stage.GETTING_GOING, amount="10000"):
    return accept_offer(award_grant(area=area, stage=stage, amount=Decimal(amount), actor=actor))


def test_area_totals_follow_the_payments(area, programme_manager, finance_officer):
    assert selectors.area_totals(area=area) == selectors.MoneyTotals()
    award = _award(area, programme_manager)
    _award(area, programme_manager, stage=Stage.GETTING_READY, amount="3000")
    totals = selectors.area_totals(area=area)
    assert totals == selectors.MoneyTotals(
        awarded=Decimal("13000"), paid=Decimal("0"), held=Decimal("1000"), to_pay=Decimal("12000")
    )
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)
    retention_release(area=area, actor=programme_manager)
    assert selectors.area_totals(area=area) == selectors.MoneyTotals(
        awarded=Decimal("13000"), paid=Decimal("9000"), held=Decimal("0"), to_pay=Decimal("4000")
    )


def test_cancelled_awards_count_only_what_was_paid(area, programme_manager, finance_officer):
    award = _award(area, programme_manager)
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)
    award_cancel(award=award, actor=programme_manager, reason="Withdrew")
    expected = selectors.MoneyTotals(
        awarded=Decimal("0"), paid=Decimal("9000"), held=Decimal("0"), to_pay=Decimal("0")
    )
    assert selectors.area_totals(area=area) == expected
    awards = list(selectors.awards_for_area(area=area, user=programme_manager))
    assert selectors.totals_for_awards(awards) == expected


def test_payable_now_is_scoped_and_joined(
    area, other_area, lead_user, programme_manager, django_assert_num_queries
):
    _award(area, programme_manager)
    _award(other_area, programme_manager)
    assert selectors.payable_now().count() == 2
    with django_assert_num_queries(1):
        rows = list(selectors.payable_now(user=programme_manager))
        names = [
            (p.award.area.reference, p.award.area.lead_organisation.name, p.award.area.round.name)
            for p in rows
        ]
    assert len(names) == 2
    assert [p.award.area for p in selectors.payable_now(user=lead_user)] == [area]


@pytest.mark.parametrize("n", [1, 6])
def test_round_totals_is_one_query(programme_manager, django_assert_num_queries, n):
    for _ in range(n):
        _award(AreaFactory(), programme_manager)
    with django_assert_num_queries(1):
        rows = list(selectors.round_totals())
        assert sum(r.awarded for r in rows) == Decimal("10000") * n


def test_the_payable_index_covers_exactly_what_is_payable_now():
    """payment_payable_due_idx (what My work's first payments walk in due order) is written out
    in the model; it must name the same statuses as "payable now", or PostgreSQL would stop
    using it for the queue (or the queue would read payments it does not cover)."""
    from grants.workflows import PAYABLE_STATUSES

    (index,) = [i for i in Payment._meta.indexes if i.name == "payment_payable_due_idx"]
    (lookup, statuses) = index.condition.children[0]
    assert lookup == "status__in"
    assert sorted(statuses) == sorted(PAYABLE_STATUSES) == sorted(selectors.PAYABLE)
