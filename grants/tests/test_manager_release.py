"""Making it Happen holds back part of its grant until a programme manager releases it after
the first year: the final plan (long since submitted) does not release it, a manager does, once."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activity.models import ActivityEntry
from grants.models import FINAL_PLAN_SUBMITTED, MANAGER_RELEASE, Payment
from grants.services import award_grant, retention_release, retention_release_by_manager
from programmes.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def mih_award(area, programme_manager):
    return award_grant(
        area=area, stage=Stage.MAKING_IT_HAPPEN, amount=Decimal("60000"), actor=programme_manager
    )


def _held(award):
    return award.payments.get(kind=Payment.Kind.RETENTION)


def test_making_it_happen_holds_its_share_for_a_managers_release(mih_award):
    advance = mih_award.payments.get(kind=Payment.Kind.ADVANCE)
    held = _held(mih_award)
    assert (advance.status, advance.amount) == (Payment.Status.SCHEDULED, Decimal("30000.00"))
    assert (held.status, held.amount, held.release_condition) == (
        Payment.Status.HELD,
        Decimal("30000.00"),
        MANAGER_RELEASE,
    )
    entry = ActivityEntry.objects.get(verb="grant.awarded", area=mih_award.area)
    assert "£30,000.00 after the first year" in entry.summary


def test_a_final_plan_does_not_release_it(mih_award, lead_user):
    assert retention_release(area=mih_award.area, actor=lead_user) == []
    assert _held(mih_award).status == Payment.Status.HELD


def test_a_manager_releases_it_once(mih_award, programme_manager):
    released = retention_release_by_manager(
        payment=_held(mih_award), actor=programme_manager, reason="First year reviewed."
    )
    assert released.status == Payment.Status.SCHEDULED and released.due_on is not None
    entry = ActivityEntry.objects.get(verb="grant.retention_released", area=mih_award.area)
    assert entry.reason == "First year reviewed."
    with pytest.raises(ValidationError, match="not held back"):
        retention_release_by_manager(payment=_held(mih_award), actor=programme_manager)
    assert ActivityEntry.objects.filter(verb="grant.retention_released").count() == 1


def test_only_managers_release(mih_award, funder_officer, lead_user):
    for user in (funder_officer, lead_user):
        with pytest.raises(PermissionDenied):
            retention_release_by_manager(payment=_held(mih_award), actor=user)
    assert _held(mih_award).status == Payment.Status.HELD


def test_a_getting_going_retention_waits_for_the_final_plan(area, programme_manager):
    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    held = _held(award)
    assert held.release_condition == FINAL_PLAN_SUBMITTED
    with pytest.raises(ValidationError, match="released automatically"):
        retention_release_by_manager(payment=held, actor=programme_manager)


def test_the_award_page_offers_release_to_managers_only(
    client_for, mih_award, programme_manager, lead_user
):
    url = mih_award.get_absolute_url()
    release = reverse("grants:payment_release", args=[_held(mih_award).pk])
    assert release not in client_for(lead_user).get(url).content.decode()
    client = client_for(programme_manager)
    assert release in client.get(url).content.decode()
    response = client.post(release, {"reason": "Reviewed", "next": url}, follow=True)
    assert "released: it is now due to be paid." in response.content.decode()
    assert _held(mih_award).status == Payment.Status.SCHEDULED
    response = client.post(release, {"next": url}, follow=True)
    assert "not held back, so there is nothing to release" in response.content.decode()


def test_a_release_reason_over_its_limit_is_refused_and_nothing_moves(mih_award, programme_manager):
    """The reason is read straight from the request (no form): the service bounds it, as the
    input's maxlength says, rather than storing whatever a script sends."""
    with pytest.raises(ValidationError) as refused:
        retention_release_by_manager(
            payment=_held(mih_award), actor=programme_manager, reason="R" * 501
        )
    assert "at most 500 characters (it has 501)" in refused.value.message_dict["reason"][0]
    assert _held(mih_award).status == Payment.Status.HELD
