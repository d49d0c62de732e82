"""Demo variations of awards (grants/variations), one in every state, so each page can be seen:
R2-041's lead organisation (the demo lead user) waits for a decision on more time; R2-044 has a
withdrawn request and an increase over the programme's threshold waiting for the funder's
co-signature; R2-048's money move and extension were approved (its offer reissued and accepted);
R2-052's extension was refused. R2-041's Going Further grant is left free for the demo lead user to
ask for one. Made through the services, as the pages make them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.selectors import lead_members
from grants.models import Award, Payment, Variation
from grants.variations.services import (
    variation_approve,
    variation_refuse,
    variation_request,
    variation_withdraw,
)
from programmes.models import Stage

from .offers import accept


def _award(reference: str):
    return (
        Award.objects.filter(
            area__reference=reference, stage=Stage.GETTING_GOING, status=Award.Status.LIVE
        )
        .select_related("area", "area__round")
        .first()
    )


def _variable(award, kind):
    return award.payments.filter(
        kind=kind, status__in=[Payment.Status.SCHEDULED, Payment.Status.HELD]
    ).first()


def _lead(award):
    return next(iter(lead_members(award.area)), None)


def load(ctx=None):
    if ctx is None or not ctx.areas or Variation.objects.exists():
        return ctx
    pm = ctx.users["pm"]
    now = timezone.now()
    ago = lambda days: now - datetime.timedelta(days=days)  # noqa: E731

    award = _award("R2-041")
    if award and _lead(award):
        variation_request(
            award=award,
            actor=_lead(award),
            reasons="Our partnership board could not meet over the summer, so the final plan "
            "needs three more months.",
            changes=[{"kind": "time", "new_date": award.ends + datetime.timedelta(days=92)}],
            occurred_at=ago(2),
        )

    award = _award("R2-044")
    if award and _lead(award):
        lead = _lead(award)
        first = variation_request(
            award=award,
            actor=lead,
            reasons="We asked too early: the council's match funding is not settled yet.",
            changes=[{"kind": "time", "new_date": award.ends + datetime.timedelta(days=30)}],
            occurred_at=ago(20),
        )
        variation_withdraw(variation=first, actor=lead, occurred_at=ago(18))
        more = variation_request(
            award=award,
            actor=lead,
            reasons="The NHS trust asked us to extend the pilot to a second estate; the extra "
            "£6,000 pays for a part-time co-ordinator for six months.",
            changes=[
                {
                    "kind": "amount",
                    "amount": award.amount + Decimal("6000"),
                    "new_date": award.ends,
                }
            ],
            occurred_at=ago(6),
        )
        variation_approve(
            variation=more,
            actor=pm,
            note="Good value: the trust matches it in kind.",
            occurred_at=ago(3),
        )

    award = _award("R2-048")
    advance = _variable(award, Payment.Kind.ADVANCE) if award else None
    if award and advance and _lead(award):
        year = award.ends.year + 1
        moved = variation_request(
            award=award,
            actor=_lead(award),
            reasons="The community café opens in spring, not autumn: we need £2,000 of the "
            "advance next year, and the grant to run three months longer.",
            changes=[
                {"kind": "time", "new_date": award.ends + datetime.timedelta(days=92)},
                {
                    "kind": "move",
                    "payment": advance,
                    "amount": Decimal("2000"),
                    "new_date": datetime.date(year, 5, 1),
                },
            ],
            occurred_at=ago(12),
        )
        variation_approve(variation=moved, actor=pm, occurred_at=ago(10))
        accept(award)

    award = _award("R2-052")
    if award and _lead(award):
        refused = variation_request(
            award=award,
            actor=_lead(award),
            reasons="Our project worker is leaving and we want time to recruit.",
            changes=[{"kind": "time", "new_date": award.ends + datetime.timedelta(days=183)}],
            occurred_at=ago(9),
        )
        variation_refuse(
            variation=refused,
            actor=pm,
            reason="Six months is more than the round allows; ask again for up to three.",
            occurred_at=ago(8),
        )
    return ctx
