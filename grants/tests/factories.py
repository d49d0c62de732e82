from decimal import Decimal

import factory
from django.db.models import F
from django.utils import timezone

from core.testing import today
from grants.models import FINAL_PLAN_SUBMITTED, Award, GrantOffer, Payment
from programmes.models import Stage
from programmes.tests.factories import AreaFactory


class AwardFactory(factory.django.DjangoModelFactory):
    """A bare award (no payments). Use ``PaymentFactory(award=...)`` or, for a real schedule,
    ``grants.services.award_grant``."""

    class Meta:
        model = Award
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    stage = Stage.GETTING_GOING
    amount = Decimal("10000.00")
    status = Award.Status.LIVE

    class Params:
        cancelled = factory.Trait(status=Award.Status.CANCELLED, cancelled_reason="Withdrew")
        getting_ready = factory.Trait(stage=Stage.GETTING_READY, amount=Decimal("3000.00"))

    @factory.post_generation
    def offer(obj, create, extracted, **kwargs):
        """An accepted grant offer, as the lead organisation would have given before any payment
        is approved; ``AwardFactory(offer=False)`` for an award whose offer is not accepted."""
        if create and extracted is not False:
            GrantOffer.objects.create(
                award=obj,
                amount=obj.amount,
                status=GrantOffer.Status.ACCEPTED,
                issued_at=timezone.now(),
                accepted_at=timezone.now(),
                accepted_name="Test Lead",
                accepted_role="Director",
            )


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment that keeps its award's ``total_scheduled`` in step, as the services do."""

    class Meta:
        model = Payment
        skip_postgeneration_save = True

    award = factory.SubFactory(AwardFactory)
    kind = Payment.Kind.ADVANCE
    amount = Decimal("1000.00")
    status = Payment.Status.SCHEDULED
    due_on = factory.LazyFunction(today)

    class Params:
        held = factory.Trait(
            status=Payment.Status.HELD,
            kind=Payment.Kind.RETENTION,
            release_condition=FINAL_PLAN_SUBMITTED,
            due_on=None,
        )
        approved = factory.Trait(status=Payment.Status.APPROVED)
        paid = factory.Trait(status=Payment.Status.PAID, paid_on=factory.LazyFunction(today))
        cancelled = factory.Trait(status=Payment.Status.CANCELLED, cancelled_reason="Not needed")

    @factory.post_generation
    def keep_total(obj, create, extracted, **kwargs):
        if create and obj.status != Payment.Status.CANCELLED:
            Award.objects.filter(pk=obj.award_id).update(
                total_scheduled=F("total_scheduled") + obj.amount
            )
            obj.award.refresh_from_db(fields=["total_scheduled"])


def accept_offer(award: Award) -> Award:
    """Record the award's current offer as accepted, as the lead organisation would before any
    payment is approved (tests of payments that are not about offers)."""
    GrantOffer.objects.filter(award=award, status=GrantOffer.Status.ISSUED).update(
        status=GrantOffer.Status.ACCEPTED,
        accepted_at=timezone.now(),
        accepted_name="Test Lead",
        accepted_role="Director",
    )
    return award


def payment_in_state(*, award: Award, status: str, amount: Decimal, **fields) -> Payment:
    """A payment of `award` in any state of the payment workflow, with the fields that state
    carries (approvers and dates, the paid date, the held share's condition, the cancelling
    reason), so pages can be tested with a payment in every state. A state this helper does not
    know yet is created with its status alone."""
    from accounts.tests.factories import UserFactory

    now = timezone.now()
    extra: dict = {}
    if status == Payment.Status.HELD:
        extra = {
            "kind": Payment.Kind.RETENTION,
            "release_condition": FINAL_PLAN_SUBMITTED,
            "due_on": None,
        }
    if status in (Payment.Status.APPROVED_ONCE, Payment.Status.APPROVED, Payment.Status.PAID):
        extra.update(approved_by=UserFactory(programme_manager=True), approved_at=now)
    if status in (Payment.Status.APPROVED, Payment.Status.PAID):
        extra.update(second_approved_by=UserFactory(finance_officer=True), second_approved_at=now)
    if status == Payment.Status.PAID:
        extra.update(paid_on=today(), paid_at=now, reference="BACS-TEST")
    if status == Payment.Status.CANCELLED:
        extra.update(cancelled_reason="Not needed")
    extra.update(fields)
    return PaymentFactory(award=award, status=status, amount=Decimal(amount), **extra)
