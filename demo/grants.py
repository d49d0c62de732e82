"""Demo payments. Awards come from demo.areas (admission and stage-gate decisions call
``grants.services.award_grant``); here some of those payments are approved or paid so the finance
pages show every state. Deterministic and safe to run again: a payment already in the target state
is left alone, and the choice of payments depends only on the area's position in the demo.

Every payment respects four eyes (``settle``): the award decision scheduled it, `pm` approves it
(over the programme's threshold `jprice` gives the second approval) and `finance` pays it."""

import datetime

from django.utils import timezone

from accounts.models import User
from grants import services
from grants.models import MANAGER_RELEASE, Award, Payment
from grants.workflows import approval_target
from programmes.models import Round, Stage

from . import offers
from .context import at
from .people import second_approver


def _approvers(payment: Payment) -> list[User]:
    """Who approves: pm, then the second approver, leaving out whoever scheduled the payment."""
    people = [User.objects.get(username="pm"), second_approver()]
    return [u for u in people if u.pk != payment.scheduled_by_id]


def settle(
    payment: Payment, *, approve_on: datetime.date, paid_on: datetime.date | None, reference=""
) -> Payment:
    """Approve `payment` on `approve_on` (twice when it is over the threshold, by two people)
    and, when `paid_on` is given, have `finance` mark it as paid then: four eyes, as the services
    require."""
    first, second = _approvers(payment)[:2]
    if payment.status == Payment.Status.SCHEDULED:
        twice = approval_target(payment) == Payment.Status.APPROVED_ONCE
        services.payment_approve(payment=payment, actor=first, occurred_at=at(approve_on, 9))
        if twice:
            services.payment_approve(payment=payment, actor=second, occurred_at=at(approve_on, 10))
    if paid_on is not None and payment.status == Payment.Status.APPROVED:
        services.payment_pay(
            payment=payment,
            actor=User.objects.get(username="finance"),
            paid_on=paid_on,
            reference=reference,
            occurred_at=at(paid_on, 15),
        )
    return payment


def _target(area_index: int, award: Award, finished: bool) -> str | None:
    """What to do with this award's payable payments: 'paid', 'approved' or nothing."""
    if finished:
        return "paid"
    if award.stage == Stage.GETTING_READY:
        return "paid" if area_index % 3 != 2 else "approved"
    if award.stage == Stage.GETTING_GOING:
        return "paid" if area_index % 2 == 0 else ("approved" if area_index % 4 == 1 else None)
    return None


def load(ctx=None):
    if ctx is None or not ctx.areas:
        return ctx
    actor = ctx.users.get("pm")
    today = timezone.localdate()
    for index, area in enumerate(ctx.areas):
        finished = area.round.status == Round.Status.FINISHED
        awards = Award.objects.filter(area=area, status=Award.Status.LIVE).order_by("id")
        for award in awards:
            target = _target(index, award, finished)
            if target is None or offers.waiting(award):
                continue
            if finished:
                # The finished round's Making it Happen balances were released after the first
                # year, like everything else there, and paid.
                for held in award.payments.filter(
                    status=Payment.Status.HELD, release_condition=MANAGER_RELEASE
                ):
                    year_on = award.awarded_on + datetime.timedelta(days=365)
                    services.retention_release_by_manager(
                        payment=held,
                        actor=actor,
                        reason="First year's progress reviewed.",
                        occurred_at=at(min(year_on, today), 11),
                    )
            # In the finished round everything payable was paid; in the live round only
            # advances, so released retentions show as due on the finance page.
            payments = award.payments.filter(
                status__in=[Payment.Status.SCHEDULED, Payment.Status.APPROVED]
            ).order_by("id")
            if not finished:
                payments = payments.filter(kind=Payment.Kind.ADVANCE)
            for payment in payments.select_related("award__area__round__programme"):
                due = payment.due_on or award.awarded_on
                settle(
                    payment,
                    approve_on=min(due + datetime.timedelta(days=7), today),
                    paid_on=min(due + datetime.timedelta(days=14), today)
                    if target == "paid"
                    else None,
                    reference=f"BACS-{award.awarded_on:%y%m}-{payment.pk:05d}",
                )
    return ctx
