"""Demo payments. Awards come from the applications demo (admission and stage-gate decisions call
``grants.services.award_grant``); here some of those payments are approved or paid so the finance
pages show every state. Deterministic and safe to run again: a payment already in the target state
is left alone, and the choice of payments depends only on the area's position in the demo."""

import datetime

from django.utils import timezone

from grants import services
from grants.models import Award, Payment
from programmes.models import Round, Stage


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
            if target is None:
                continue
            # Advances only: retentions are released later in the demo (plans submits final
            # plans), and touching them here would make a second run change things.
            payments = award.payments.filter(
                kind=Payment.Kind.ADVANCE,
                status__in=[Payment.Status.SCHEDULED, Payment.Status.APPROVED],
            ).order_by("id")
            for payment in payments:
                if payment.status == Payment.Status.SCHEDULED:
                    services.payment_approve(payment=payment, actor=actor)
                if target == "paid":
                    paid_on = award.awarded_on + datetime.timedelta(days=14)
                    services.payment_pay(
                        payment=payment,
                        actor=actor,
                        paid_on=min(paid_on, today),
                        reference=f"BACS-{award.awarded_on:%y%m}-{payment.pk:05d}",
                    )
    return ctx
