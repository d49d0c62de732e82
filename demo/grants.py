"""Demo payments. Awards come from demo.areas (admission and stage-gate decisions call
``grants.services.award_grant``); here some of those payments are approved or paid so the finance
pages show every state. Deterministic and safe to run again: a payment already in the target state
is left alone, and the choice of payments depends only on the area's position in the demo.

Every payment respects four eyes (``settle``): the award decision scheduled it, `pm` approves it
(over the programme's threshold `jprice` gives the second approval) and `finance` pays it.

So that the finance pages, the budget page, the dashboard and the programme PDF show a payment in
every state of the payment workflow, the live round also has (``four_eyes_examples``) a payment
awaiting its second approval (`jprice` gave the first: `pm` or `finance` may give the second) and
a payment cancelled after approval whose money `pm` scheduled again, with both reasons on the
finance list; its new payment needs two approvers, because four eyes count the award's money."""

import datetime

from django.utils import timezone

from accounts.models import User
from grants import services
from grants.models import MANAGER_RELEASE, Award, Payment
from grants.workflows import approval_target, needs_second_approval
from programmes.models import Round, Stage

from . import banking, offers
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
    banking.ensure_confirmed(payment.award.area.lead_organisation, by=approve_on)
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


CANCEL_REASON = (
    "The lead organisation's bank details changed after approval: paying the new account once "
    "it is confirmed."
)
RESCHEDULE_REASON = "New bank details confirmed by phone with the lead organisation's treasurer."


def _approvable(rnd: Round):
    """The live round's advances still to be approved, whose offers are accepted, newest first
    (the oldest are left for the finance list's own demonstrations)."""
    payments = (
        Payment.objects.filter(
            award__area__round=rnd,
            award__status=Award.Status.LIVE,
            kind=Payment.Kind.ADVANCE,
            status=Payment.Status.SCHEDULED,
        )
        .select_related("award__area__round__programme")
        .order_by("-id")
    )
    return [p for p in payments if not offers.waiting(p.award)]


def _approve_on(payment: Payment, today: datetime.date) -> datetime.date:
    """A few days ago, but not before the award's offer was accepted."""
    accepted = payment.award.offers.filter(accepted_at__isnull=False).order_by("-accepted_at")
    first = timezone.localdate(accepted[0].accepted_at) if accepted else payment.award.awarded_on
    return max(first, today - datetime.timedelta(days=3))


def four_eyes_examples(ctx) -> None:
    """A payment awaiting its second approval, and a payment cancelled after approval whose money
    is scheduled again with a reason (once: a later run finds them and leaves them alone)."""
    rnd, today = ctx.live_round, timezone.localdate()
    pm, first = ctx.users.get("pm") or User.objects.get(username="pm"), second_approver()
    payments = Payment.objects.filter(award__area__round=rnd)
    if not payments.filter(status=Payment.Status.APPROVED_ONCE).exists():
        big = next((p for p in _approvable(rnd) if needs_second_approval(p)), None)
        if big is not None:
            services.payment_approve(
                payment=big, actor=first, occurred_at=at(_approve_on(big, today), 9)
            )
    if not payments.filter(rescheduled_reason=RESCHEDULE_REASON).exists():
        small = next((p for p in _approvable(rnd) if not needs_second_approval(p)), None)
        if small is None:
            return
        day = _approve_on(small, today)
        services.payment_approve(payment=small, actor=first, occurred_at=at(day, 9))
        services.payment_cancel(
            payment=small, actor=pm, reason=CANCEL_REASON, occurred_at=at(day, 12)
        )
        services.payment_add(
            award=small.award,
            amount=small.amount,
            actor=pm,
            kind=Payment.Kind.INSTALMENT,
            due_on=today,
            reason=RESCHEDULE_REASON,
        )


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
    four_eyes_examples(ctx)
    return ctx
