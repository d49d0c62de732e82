"""Demo grant offers and budgets. Every award issues an offer (``grants.services.award_grant``);
the demo's lead organisations accept them a couple of days later, through the same service as
the web page, so every approved or paid payment in the demo follows an accepted offer. One offer
is left waiting (``PENDING``) so the demo lead user has one to accept. Each round gets a budget:
a total, and for the live round a line per financial year, with room left for new awards."""

import datetime
from decimal import ROUND_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from accounts.selectors import lead_members
from grants.budgets.selectors import financial_year
from grants.budgets.services import budget_line_set, budget_set
from grants.models import Award, GrantOffer, Payment
from grants.offers.services import offer_accept
from programmes.models import Round, Stage

# The demo lead user's Getting Going offer for R2-045 waits for them to accept it.
PENDING = {("R2-045", Stage.GETTING_GOING)}
HEADROOM = Decimal("60000")


def accept(award: Award) -> None:
    """The area's lead organisation accepts the award's current offer, two days after it was
    issued (or now, if that is still to come). Nothing when it is already accepted."""
    offer = award.offers.filter(status=GrantOffer.Status.ISSUED).first()
    if offer is None:
        return
    person = next(iter(lead_members(award.area)), None)
    if person is None:
        return
    when = min(offer.issued_at + datetime.timedelta(days=2), timezone.now())
    offer_accept(
        offer=offer,
        actor=person,
        name=person.get_full_name() or person.username,
        role=getattr(person, "job_title", "") or "Project lead",
        terms_sha256=offer.terms_sha256,
        occurred_at=when,
    )


def waiting(award: Award) -> bool:
    """Left for the demo lead user to accept: only while none of its money has moved."""
    return (award.area.reference, award.stage) in PENDING and not award.payments.filter(
        status__in=[Payment.Status.APPROVED, Payment.Status.PAID]
    ).exists()


def _round_up(amount: Decimal) -> Decimal:
    return (amount / 10000).quantize(Decimal("1"), rounding=ROUND_UP) * 10000


def _budgets(ctx) -> None:
    pm = ctx.users["pm"]
    for round_ in (ctx.finished_round, ctx.live_round):
        if round_.budget_total is not None:
            continue  # set by an earlier run
        awards = Award.objects.filter(area__round=round_, status=Award.Status.LIVE)
        committed = awards.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        live = round_.status != Round.Status.FINISHED
        budget_set(round_=round_, total=_round_up(committed + (HEADROOM if live else 0)), actor=pm)
        if not live:
            continue
        by_year: dict[int, Decimal] = {}
        for amount, awarded_on in awards.values_list("amount", "awarded_on"):
            year = financial_year(awarded_on)
            by_year[year] = by_year.get(year, Decimal("0")) + amount
        this_year = financial_year(timezone.localdate())
        by_year.setdefault(this_year, Decimal("0"))
        for year, amount in sorted(by_year.items()):
            extra = HEADROOM if year == this_year else Decimal("0")
            budget_line_set(
                round_=round_,
                stage="",
                financial_year=year,
                amount=_round_up(amount + extra),
                actor=pm,
            )


def load(ctx=None):
    if ctx is None or not ctx.areas:
        return ctx
    issued = (
        Award.objects.filter(
            area__in=ctx.areas, status=Award.Status.LIVE, offers__status=GrantOffer.Status.ISSUED
        )
        .select_related("area")
        .order_by("id")
    )
    for award in issued:
        if not waiting(award):
            accept(award)
    _budgets(ctx)
    return ctx
