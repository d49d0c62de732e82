"""A lead organisation's My work says truthfully where its money is: payments of an award whose
offer it has not accepted are not "on their way" (no payment is approved before acceptance)."""

from decimal import Decimal

import pytest

from core.mywork import work_for
from grants.offers.services import offer_accept
from grants.services import award_grant
from programmes.models import Stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def award(area, programme_manager):
    return award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )


def _groups(user):
    return {g.heading: g for g in work_for(user)}


def test_payments_wait_for_the_offer_to_be_accepted_before_they_are_on_their_way(award, lead_user):
    groups = _groups(lead_user)
    assert "Grant offers to accept" in groups
    assert "Payments on their way" not in groups

    offer = award.offers.get()
    offer_accept(
        offer=offer,
        actor=lead_user,
        name="Jo Bloggs",
        role="Chair",
        terms_sha256=offer.terms_sha256,
    )
    groups = _groups(lead_user)
    assert "Grant offers to accept" not in groups
    on_their_way = groups["Payments on their way"]
    assert [i.title for i in on_their_way.items] == ["Advance of £9,000.00"]
