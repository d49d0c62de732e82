"""Making it Happen: the sustainability plan and the match-funding commitment lifecycle, each move
allowed and refused by role and state."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.tests.factories import MembershipFactory, UserFactory
from activity.models import ActivityEntry, Notification
from applications.tests.factories import GateFactory
from core.testing import today
from delivery.models import CommitmentStatus, MatchFundingCommitment
from delivery.selectors import match_funding_totals
from delivery.services import (
    commitment_add,
    commitment_confirm,
    commitment_receive,
    commitment_withdraw,
    mih_application_save,
)
from delivery.workflows import COMMITMENT
from programmes.models import AreaStage, Milestone, Stage
from programmes.tests.factories import AreaFactory, MilestoneFactory

from .factories import CommitmentFactory, MakingItHappenFactory

C = CommitmentStatus
# Receipts are refused when dated after today, so hold the day still for each test.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def mih(db):
    return MakingItHappenFactory()


@pytest.fixture
def mih_lead(mih):
    user = UserFactory(username="mih-lead")
    MembershipFactory(user=user, organisation=mih.area.lead_organisation)
    return user


def move(commitment, target, user):
    if target == C.CONFIRMED:
        return commitment_confirm(commitment=commitment, actor=user)
    if target == C.RECEIVED:
        return commitment_receive(
            commitment=commitment, actor=user, received_on=today(), received_amount=Decimal("19000")
        )
    return commitment_withdraw(commitment=commitment, actor=user, reason="Budget cut")


STATE_TRAITS = {C.COMMITTED: {}, C.CONFIRMED: {"confirmed": True}, C.RECEIVED: {"received": True}}
STATE_TRAITS[C.WITHDRAWN] = {"withdrawn": True}

# (from, to, role fixture, allowed)
CASES = [
    (C.COMMITTED, C.CONFIRMED, "programme_manager", True),
    (C.COMMITTED, C.CONFIRMED, "admin_user", True),
    (C.COMMITTED, C.CONFIRMED, "mih_lead", False),  # the area cannot confirm its own
    (C.COMMITTED, C.CONFIRMED, "relationship_manager", False),
    (C.COMMITTED, C.CONFIRMED, "funder_officer", False),
    (C.CONFIRMED, C.RECEIVED, "mih_lead", True),
    (C.CONFIRMED, C.RECEIVED, "programme_manager", True),
    (C.CONFIRMED, C.RECEIVED, "funder_officer", False),
    (C.COMMITTED, C.RECEIVED, "programme_manager", False),  # must be confirmed first
    (C.COMMITTED, C.WITHDRAWN, "mih_lead", True),
    (C.CONFIRMED, C.WITHDRAWN, "programme_manager", True),
    (C.CONFIRMED, C.WITHDRAWN, "relationship_manager", False),
    (C.RECEIVED, C.WITHDRAWN, "programme_manager", False),  # final
    (C.WITHDRAWN, C.CONFIRMED, "programme_manager", False),  # final
    (C.RECEIVED, C.CONFIRMED, "admin_user", False),
]


@pytest.mark.parametrize("source,target,who,allowed", CASES)
def test_moves(request, mih, source, target, who, allowed):
    user = request.getfixturevalue(who)
    commitment = CommitmentFactory(application=mih, **STATE_TRAITS[source])
    if allowed:
        move(commitment, target, user)
        commitment.refresh_from_db()
        assert commitment.status == target
        assert ActivityEntry.objects.filter(verb=f"match_funding.{target}").exists()
    else:
        with pytest.raises(PermissionDenied):
            move(commitment, target, user)
        commitment.refresh_from_db()
        assert commitment.status == source


def test_other_areas_lead_cannot_move(mih, other_lead):
    commitment = CommitmentFactory(application=mih, confirmed=True)
    with pytest.raises(PermissionDenied):
        move(commitment, C.RECEIVED, other_lead)


def test_receipt_records_date_and_amount(mih, mih_lead):
    commitment = CommitmentFactory(application=mih, confirmed=True)
    move(commitment, C.RECEIVED, mih_lead)
    commitment.refresh_from_db()
    assert commitment.received_on == today() and commitment.received_amount == Decimal("19000")


def test_receipt_in_the_future_is_refused(mih, mih_lead):
    commitment = CommitmentFactory(application=mih, confirmed=True)
    with pytest.raises(ValidationError):
        commitment_receive(
            commitment=commitment,
            actor=mih_lead,
            received_on=today() + datetime.timedelta(days=1),
            received_amount=Decimal("1"),
        )


def test_withdrawing_needs_a_reason(mih, mih_lead):
    commitment = CommitmentFactory(application=mih)
    with pytest.raises(ValidationError):
        commitment_withdraw(commitment=commitment, actor=mih_lead, reason=" ")


def test_confirming_notifies_the_lead_organisation(mih, mih_lead, programme_manager):
    commitment = CommitmentFactory(application=mih)
    commitment_confirm(commitment=commitment, actor=programme_manager)
    assert Notification.objects.filter(recipient=mih_lead).exists()


def test_database_keeps_received_fields_with_the_received_state(mih):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(application=mih, status=C.CONFIRMED, received_on=today())


def test_next_moves_for_buttons(programme_manager, mih_lead):
    assert [m.name for m in COMMITMENT.moves_for(C.COMMITTED, programme_manager)] == [
        "confirm",
        "withdraw",
    ]
    assert [m.name for m in COMMITMENT.moves_for(C.COMMITTED, mih_lead)] == ["withdraw"]
    assert COMMITMENT.moves_for(C.RECEIVED, programme_manager) == []


def test_totals(mih):
    CommitmentFactory(application=mih, amount=Decimal("100"))
    CommitmentFactory(application=mih, amount=Decimal("200"), confirmed=True)
    CommitmentFactory(
        application=mih, amount=Decimal("400"), received=True, received_amount=Decimal("350")
    )
    CommitmentFactory(application=mih, amount=Decimal("800"), withdrawn=True)
    totals = match_funding_totals(list(mih.commitments.all()))
    assert totals.committed == Decimal("700")
    assert totals.confirmed == Decimal("600")
    assert totals.received == Decimal("350")
    assert totals.withdrawn == Decimal("800")
    assert totals.outstanding == Decimal("300")  # 700 committed - 400 of it already received


def test_add_commitment_and_plan(mih, mih_lead):
    c = commitment_add(
        area=mih.area,
        actor=mih_lead,
        public_body="Leeds City Council",
        body_type="local_authority",
        amount=Decimal("30000"),
        expected_payment_on=today() + datetime.timedelta(days=365),
    )
    assert c.status == C.COMMITTED and c.application == mih
    app = mih_application_save(area=mih.area, actor=mih_lead, sustainability_plan=" Commission. ")
    assert app.sustainability_plan == "Commission."


def test_add_commitment_validates(mih, mih_lead):
    with pytest.raises(ValidationError) as exc:
        commitment_add(
            area=mih.area,
            actor=mih_lead,
            public_body="",
            body_type="charity",
            amount=Decimal("0"),
            expected_payment_on=None,
        )
    assert set(exc.value.error_dict) == {
        "public_body",
        "body_type",
        "amount",
        "expected_payment_on",
    }
    assert not MatchFundingCommitment.objects.exists()


def test_not_before_implementation(db, programme_manager):
    area = AreaFactory(stage=AreaStage.GETTING_GOING)
    with pytest.raises(ValidationError):
        mih_application_save(area=area, actor=programme_manager, sustainability_plan="x")


def test_application_is_attached_to_the_making_it_happen_gate(impl_area, impl_lead):
    milestone = MilestoneFactory(
        round=impl_area.round,
        kind=Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
        stage=Stage.MAKING_IT_HAPPEN,
    )
    gate = GateFactory(area=impl_area, target_stage="making_it_happen", milestone=milestone)
    app = mih_application_save(area=impl_area, actor=impl_lead, sustainability_plan="Plan")
    assert app.gate == gate
    assert gate.making_it_happen == app


def test_a_withdrawal_reason_over_its_limit_is_refused(mih, mih_lead):
    commitment = CommitmentFactory(application=mih)
    with pytest.raises(ValidationError) as refused:
        commitment_withdraw(commitment=commitment, actor=mih_lead, reason="W" * 501)
    assert "at most 500 characters" in refused.value.message_dict["reason"][0]
    commitment.refresh_from_db()
    assert commitment.status != "withdrawn"
