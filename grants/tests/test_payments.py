"""Each payment move, allowed and refused, by role and by state; who and when are recorded."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import ActivityEntry, Visibility
from core.testing import today
from grants.models import Award, Payment
from grants.services import award_cancel, payment_approve, payment_cancel, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = Payment.Status
MANAGERS = ["programme_manager", "admin_user"]
NOT_MANAGERS = ["funder_officer", "relationship_manager", "lead_user"]
# Four eyes: who may make each move at all (grants/workflows.py says which person may).
MAY = {
    "approve": ["programme_manager", "finance_officer", "admin_user"],
    "pay": ["finance_officer"],
    "cancel": MANAGERS,
}
ALL_ROLES = MANAGERS + NOT_MANAGERS + ["finance_officer"]
ACTOR = {"approve": "programme_manager", "pay": "finance_officer", "cancel": "programme_manager"}


def _approve(payment, user):
    return payment_approve(payment=payment, actor=user)


def _pay(payment, user):
    return payment_pay(payment=payment, actor=user, reference="BACS-0042")


def _cancel(payment, user):
    return payment_cancel(payment=payment, actor=user, reason="Duplicate")


MOVES = {"approve": (_approve, S.APPROVED), "pay": (_pay, S.PAID), "cancel": (_cancel, S.CANCELLED)}
ALLOWED_FROM = {
    "approve": {S.SCHEDULED},
    "pay": {S.APPROVED},
    "cancel": {S.SCHEDULED, S.HELD, S.APPROVED},
}
TRAITS = {
    S.SCHEDULED: {},
    S.HELD: {"held": True},
    S.APPROVED: {"approved": True},
    S.PAID: {"paid": True},
    S.CANCELLED: {"cancelled": True},
}


def _payment(area, status):
    return PaymentFactory(award=AwardFactory(area=area), **TRAITS[status])


@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("status", list(TRAITS))
def test_each_move_is_allowed_only_from_its_states(request, area, move, status):
    manager = request.getfixturevalue(ACTOR[move])
    payment = _payment(area, status)
    call, target = MOVES[move]
    if status in ALLOWED_FROM[move]:
        call(payment, manager)
        payment.refresh_from_db()
        assert payment.status == target
    else:
        with pytest.raises(ValidationError):
            call(payment, manager)
        payment.refresh_from_db()
        assert payment.status == status


@pytest.mark.parametrize(
    ("move", "role"), [(move, role) for move, roles in MAY.items() for role in roles]
)
def test_each_role_makes_its_moves(request, area, move, role):
    user = request.getfixturevalue(role)
    status = next(iter(ALLOWED_FROM[move]))
    payment = _payment(area, status)
    call, target = MOVES[move]
    call(payment, user)
    payment.refresh_from_db()
    assert payment.status == target


@pytest.mark.parametrize(
    ("move", "role"),
    [(move, role) for move, roles in MAY.items() for role in ALL_ROLES if role not in roles],
)
def test_other_roles_may_only_look(request, area, move, role):
    user = request.getfixturevalue(role)
    status = next(iter(ALLOWED_FROM[move]))
    payment = _payment(area, status)
    call, _ = MOVES[move]
    with pytest.raises(PermissionDenied) as exc:
        call(payment, user)
    assert str(exc.value).startswith("Only ")
    payment.refresh_from_db()
    assert payment.status == status
    assert not ActivityEntry.objects.exists()


def test_approve_and_pay_record_who_and_when(area, programme_manager, finance_officer):
    week_ago = today() - datetime.timedelta(days=7)
    payment = PaymentFactory(award=AwardFactory(area=area, awarded_on=week_ago))
    payment_approve(
        payment=payment,
        actor=programme_manager,
        occurred_at=timezone.now() - datetime.timedelta(days=2),
    )
    payment_pay(
        payment=payment,
        actor=finance_officer,
        paid_on=today() - datetime.timedelta(days=1),
        reference="BACS-0042",
    )
    payment.refresh_from_db()
    assert payment.approved_by == programme_manager and payment.approved_at is not None
    assert payment.paid_by == finance_officer and payment.paid_at is not None
    assert payment.paid_on == today() - datetime.timedelta(days=1)
    assert payment.reference == "BACS-0042"
    verbs = list(
        ActivityEntry.objects.filter(area=area)
        .order_by("id")
        .values_list("verb", "visibility", "actor")
    )
    assert verbs == [
        ("payment.approved", Visibility.AREA, programme_manager.pk),
        ("payment.paid", Visibility.AREA, finance_officer.pk),
    ]


def test_paid_on_defaults_to_today_and_cannot_be_in_the_future(area, finance_officer):
    payment = _payment(area, S.APPROVED)
    with pytest.raises(ValidationError):
        payment_pay(
            payment=payment,
            actor=finance_officer,
            paid_on=today() + datetime.timedelta(days=1),
        )
    payment_pay(payment=payment, actor=finance_officer)
    payment.refresh_from_db()
    assert payment.paid_on == today()


def test_cancel_needs_a_reason_and_frees_the_money(area, programme_manager):
    payment = _payment(area, S.SCHEDULED)
    with pytest.raises(ValidationError):
        payment_cancel(payment=payment, actor=programme_manager, reason="  ")
    payment_cancel(payment=payment, actor=programme_manager, reason="Bank details wrong")
    payment.refresh_from_db()
    assert payment.cancelled_reason == "Bank details wrong"
    assert Award.objects.get(pk=payment.award_id).total_scheduled == Decimal("0.00")


def test_award_cancel_cancels_unpaid_payments_and_keeps_paid_ones(area, programme_manager):
    award = AwardFactory(area=area)
    paid = PaymentFactory(award=award, paid=True, amount=Decimal("9000"))
    held = PaymentFactory(award=award, held=True, amount=Decimal("1000"))
    award_cancel(award=award, actor=programme_manager, reason="Area withdrew")
    paid.refresh_from_db()
    held.refresh_from_db()
    award.refresh_from_db()
    assert award.status == Award.Status.CANCELLED
    assert paid.status == S.PAID
    assert held.status == S.CANCELLED and held.cancelled_reason == "Area withdrew"
    assert award.total_scheduled == Decimal("9000.00")
    with pytest.raises(ValidationError):
        award_cancel(award=award, actor=programme_manager, reason="Again")


def test_award_cancel_resolves_what_its_cancelled_payments_asked_for(area, programme_manager):
    from accounts.tests.factories import UserFactory
    from activity.models import Notification
    from activity.services import activity_record

    award = AwardFactory(area=area)
    scheduled = PaymentFactory(award=award, amount=Decimal("500"))
    paid = PaymentFactory(award=award, paid=True, amount=Decimal("900"))
    approver = UserFactory(finance_officer=True)
    for payment in (scheduled, paid):
        activity_record(
            verb="payment.scheduled",
            summary="Payment scheduled",
            area=area,
            target=payment,
            notify=[approver],
        )
    award_cancel(award=award, actor=programme_manager, reason="Area withdrew")
    open_about = set(
        Notification.objects.filter(recipient=approver, resolved_at__isnull=True).values_list(
            "entry__target_id", flat=True
        )
    )
    # The cancelled payment's call for approval is answered; the paid one's was not this move's.
    assert open_about == {str(paid.pk)}
    entry = ActivityEntry.objects.get(verb="grant.cancelled")
    assert entry.data == {"payments_cancelled": [scheduled.pk]}
    assert not ActivityEntry.objects.filter(verb="payment.cancelled").exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_managers_cancel_awards(request, area, role):
    award = AwardFactory(area=area)
    with pytest.raises(PermissionDenied):
        award_cancel(award=award, actor=request.getfixturevalue(role), reason="No")
    award.refresh_from_db()
    assert award.status == Award.Status.LIVE


def test_payments_of_a_cancelled_award_cannot_be_approved(area, programme_manager):
    award = AwardFactory(area=area, cancelled=True)
    payment = PaymentFactory(award=award)
    with pytest.raises(ValidationError):
        payment_approve(payment=payment, actor=programme_manager)
