"""`core.transition`: a move that is part of a larger action (`recorded_with`) is made like any
other (locked, checked, saved, what it closes resolved) but leaves the entry to the action; a move
names exactly one of the two."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from activity.models import ActivityEntry
from core.transition import transition
from grants.offers.models import GrantOffer
from grants.offers.services import offer_reissue
from grants.offers.workflows import OFFER
from grants.services import award_grant
from programmes.models import Stage
from programmes.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(programme_manager):
    award = award_grant(
        area=AreaFactory(),
        stage=Stage.GETTING_GOING,
        amount=Decimal("10000"),
        actor=programme_manager,
    )
    return award.offers.get()


def test_a_move_recorded_with_its_action_writes_one_entry_for_the_action(offer, programme_manager):
    before = set(ActivityEntry.objects.values_list("pk", flat=True))
    new = offer_reissue(offer=offer, actor=programme_manager, reason="Schedule corrected.")
    offer.refresh_from_db()
    assert offer.status == GrantOffer.Status.SUPERSEDED and offer.superseded_by == new
    entries = ActivityEntry.objects.exclude(pk__in=before)
    assert [e.verb for e in entries] == ["offer.reissued"]
    assert entries[0].target_id == str(new.pk)


@pytest.mark.parametrize(
    "naming", [{}, {"verb": "offer.superseded", "recorded_with": "offer.reissued"}]
)
def test_a_move_names_its_own_verb_or_the_action_it_is_part_of(offer, programme_manager, naming):
    with pytest.raises(ImproperlyConfigured):
        transition(
            offer,
            GrantOffer.Status.SUPERSEDED,
            workflow=OFFER,
            actor=programme_manager,
            summary="x",
            **naming,
        )
    offer.refresh_from_db()
    assert offer.status == GrantOffer.Status.ISSUED
