"""Reads for the grants pages, shaped so each page runs a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import is_programme_staff
from core.workflow import user_role
from grants.holds import payment_hold_annotations
from programmes.models import Round
from programmes.permissions import areas_visible_to, in_visible_areas

from .models import Award, Payment
from .workflows import (
    APPROVED,
    APPROVERS,
    AWAITING_APPROVAL,
    HELD,
    MONEY_FIGURE,
    PAID,
    PAYABLE_STATUSES,
    PAYERS,
    PAYMENT,
    cancelled_after_approval,
    counts_towards_four_eyes,
    statuses_counted_as,
)

ZERO = Decimal("0.00")
# The figures below come from the payment workflow's table (grants.workflows.MONEY_FIGURE), so a
# state cannot be counted twice or left out.
PAYABLE = list(PAYABLE_STATUSES)
PAID_STATUSES = list(statuses_counted_as(PAID))
HELD_STATUSES = list(statuses_counted_as(HELD))
# The figure each MoneyTotals field adds up; payable money (awaiting approval or approved) is
# "still to pay".
TOTALS_FIELD = {PAID: "paid", HELD: "held", AWAITING_APPROVAL: "to_pay", APPROVED: "to_pay"}
# States from which a payment is approved (first or second approval) or marked paid.
APPROVABLE = sorted({m.source for m in PAYMENT.moves.values() if m.name == "approve"})
PAYABLE_BY_FINANCE = sorted({m.source for m in PAYMENT.moves.values() if m.name == "pay"})


@dataclass(frozen=True)
class MoneyTotals:
    """Awarded (live awards), paid, held back, and still to pay (scheduled or approved)."""

    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    held: Decimal = ZERO
    to_pay: Decimal = ZERO


def _sum(field: str, **filters):
    return Coalesce(
        Sum(field, filter=Q(**filters) if filters else None),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def awards_for_area(*, area, user) -> QuerySet[Award]:
    """The area's awards, newest first, with their payments; empty when the user may not see the
    area (a lead organisation user sees only their own areas)."""
    visible = areas_visible_to(user).filter(pk=area.pk)
    return (
        Award.objects.filter(area__in=visible)
        .select_related("awarded_by")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("id")))
        .order_by("-awarded_on", "-id")
    )


def totals_for_awards(awards) -> MoneyTotals:
    """Totals from awards whose payments are already loaded (no extra queries)."""
    sums = {"awarded": ZERO, "paid": ZERO, "held": ZERO, "to_pay": ZERO}
    for award in awards:
        live = award.status == Award.Status.LIVE
        if live:
            sums["awarded"] += award.amount
        for p in award.payments.all():
            figure = MONEY_FIGURE[p.status]
            # A cancelled award's payments count only if they were paid.
            if figure is not None and (live or figure == PAID):
                sums[TOTALS_FIELD[figure]] += p.amount
    return MoneyTotals(**sums)


def area_totals(*, area) -> MoneyTotals:
    """One area's money in two queries (for reports and other apps)."""
    awarded = Award.objects.filter(area=area).aggregate(s=_sum("amount", status=Award.Status.LIVE))[
        "s"
    ]
    p = Payment.objects.filter(award__area=area).aggregate(
        paid=_sum("amount", status__in=PAID_STATUSES),
        held=_sum("amount", status__in=HELD_STATUSES, award__status=Award.Status.LIVE),
        to_pay=_sum("amount", status__in=PAYABLE, award__status=Award.Status.LIVE),
    )
    return MoneyTotals(awarded=awarded, paid=p["paid"], held=p["held"], to_pay=p["to_pay"])


# --- Four eyes on the award (grants/workflows.py) ---------------------------------------------------


def _award_approved_other_sum():
    """For each payment (OuterRef), the money of its award's other payments that counts towards
    four eyes: approved once or twice, paid, or approved and then cancelled."""
    counted = (
        Payment.objects.filter(counts_towards_four_eyes(), award=OuterRef("award_id"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("award")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    return Coalesce(
        Subquery(counted, output_field=DecimalField(max_digits=14, decimal_places=2)),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _award_cancelled_reason():
    """The reason the award's latest payment cancelled after approval was cancelled, if any."""
    return Subquery(
        Payment.objects.filter(cancelled_after_approval(), award=OuterRef("award_id"))
        .order_by("-updated_at", "-id")
        .values("cancelled_reason")[:1]
    )


def with_four_eyes(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    """Payments with what pages need to say who must approve them, in the same query:
    ``award_approved_other`` (the award's money that counts towards four eyes, apart from the
    payment) and ``award_cancelled_reason`` (why the award's latest payment cancelled after
    approval was cancelled). The programme's threshold comes from joining the round's
    programme."""
    return qs.annotate(
        award_approved_other=_award_approved_other_sum(),
        award_cancelled_reason=_award_cancelled_reason(),
        # What the payment holds other apps put on the money read (grants/holds.py).
        **payment_hold_annotations(),
    )


def award_approved_other(*, payment: Payment) -> Decimal:
    """The award's money that counts towards four eyes, apart from `payment` (one query). The
    approving service reads it under the award's row lock."""
    counted = Payment.objects.filter(counts_towards_four_eyes(), award_id=payment.award_id)
    if payment.pk is not None:
        counted = counted.exclude(pk=payment.pk)
    return counted.aggregate(s=_sum("amount"))["s"]


def award_cancelled_after_approval(*, award: Award) -> list[Payment]:
    """The award's payments cancelled after an approval, newest first: scheduling money on the
    award again needs a reason while there are any."""
    return list(
        Payment.objects.filter(cancelled_after_approval(), award=award).order_by(
            "-updated_at", "-id"
        )
    )


def award_detail(*, user, pk: int) -> Award | None:
    return (
        Award.objects.filter(area__in=areas_visible_to(user))
        .select_related("area", "area__round__programme", "area__lead_organisation", "awarded_by")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=with_four_eyes(
                    Payment.objects.select_related(
                        "scheduled_by", "approved_by", "second_approved_by", "paid_by", "paid_to"
                    )
                ).order_by("id"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def _awards_not_live() -> QuerySet[Award]:
    return Award.objects.exclude(status=Award.Status.LIVE).values("pk")


def payable_now(*, user=None) -> QuerySet[Payment]:
    """Payments that can be paid now: scheduled, being approved or approved, of live awards, with
    the area, its round, programme (for the four-eyes threshold), lead organisation and the
    people who scheduled and approved them joined, oldest due first."""
    # "Not of a cancelled award" rather than a join on the award's status: the few cancelled
    # awards come from their own small index (award_not_live_idx), so totals and counts read only
    # the payable payments instead of hashing every award (17 ms -> 3 ms at 20,000 areas).
    qs = Payment.objects.filter(status__in=PAYABLE).exclude(award__in=_awards_not_live())
    if user is not None and not is_programme_staff(user):
        # Staff see every area: filtering by "any area" only made the database read them all.
        qs = qs.filter(award__area__in=areas_visible_to(user))
    return _payable_joined(qs).order_by("due_on", "award__area__reference", "id")


def _payable_joined(qs: QuerySet[Payment]) -> QuerySet[Payment]:
    return qs.select_related(
        "award",
        "award__area",
        "award__area__round",
        "award__area__round__programme",
        "award__area__lead_organisation",
        "scheduled_by",
        "approved_by",
        "second_approved_by",
    )


def awaiting_approval_by(user) -> Q:
    """Payments `user` may approve now under four eyes: waiting for a (first or second)
    approval, not scheduled by them and not already approved by them."""
    if user_role(user) not in APPROVERS:
        return Q(pk__in=[])
    return (
        Q(status__in=APPROVABLE)
        & (Q(approved_by__isnull=True) | ~Q(approved_by=user))
        & (Q(scheduled_by__isnull=True) | ~Q(scheduled_by=user))
    )


def awaiting_payment_by(user) -> Q:
    """Approved payments `user` may mark as paid: a finance officer who approved neither time."""
    if user_role(user) not in PAYERS:
        return Q(pk__in=[])
    return (
        Q(status__in=PAYABLE_BY_FINANCE)
        & (Q(approved_by__isnull=True) | ~Q(approved_by=user))
        & (Q(second_approved_by__isnull=True) | ~Q(second_approved_by=user))
    )


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def finance_list(*, user, show: str = "", today: date | None = None) -> QuerySet[Payment]:
    """The finance list for `user`: what is payable now, narrowed by `show` ("due_week",
    "overdue", "mine": awaiting my approval), the user's own open work (to approve or to pay)
    first, then oldest due first."""
    today = today or timezone.localdate()
    qs = payable_now(user=user)
    if show == "due_week":
        qs = qs.filter(due_on__range=week_of(today))
    elif show == "overdue":
        qs = qs.filter(due_on__lt=today)
    elif show == "mine":
        qs = qs.filter(awaiting_approval_by(user))
    return _in_finance_order(qs, user=user)


def _in_finance_order(qs: QuerySet[Payment], *, user) -> QuerySet[Payment]:
    mine = awaiting_approval_by(user) | awaiting_payment_by(user)
    return qs.annotate(
        my_work=Case(When(mine, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by(
        # A payment with no due date is due now. Payments due the same day stay together by grant
        # (its award), on the payments' own columns: sorting by the area's reference joined every
        # payable payment to its area to order them (32 ms -> 6 ms at 20,000 areas).
        "my_work",
        F("due_on").asc(nulls_first=True),
        "award_id",
        "id",
    )


def finance_page(*, user, page_ids) -> list[Payment]:
    """One page of the finance list, in its order, with area, round, programme, organisation and
    people joined. `page_ids` is the page's slice of ``finance_list(...).values_list("pk")``:
    the database sorts every payable payment as narrow rows for it, and joins the wide rows for
    the page alone (sorting the joined rows of every payable payment cost 60 ms at 20,000
    areas). Two queries: the ids, then their rows. The ids go in as a list, not a subquery:
    with a LIMIT subquery PostgreSQL joined every payment first (250 ms)."""
    ids = [pk for (pk,) in page_ids]
    # with_four_eyes carries what other apps' holds read (grants/holds.py): no query per row.
    qs = with_four_eyes(_payable_joined(Payment.objects.filter(pk__in=ids)))
    return list(_in_finance_order(qs, user=user))


def payments_totals(qs: QuerySet[Payment]) -> dict[str, Decimal]:
    """Totals of a payments queryset (the finance list's) in one query: everything, what is
    awaiting approval ("scheduled", to approve) and what is approved, to pay."""
    return qs.order_by().aggregate(
        total=_sum("amount"),
        scheduled=_sum("amount", status__in=statuses_counted_as(AWAITING_APPROVAL)),
        approved=_sum("amount", status__in=statuses_counted_as(APPROVED)),
    )


def payments_for_bulk(*, user, ids) -> list[Payment]:
    """The payable payments among `ids` that `user` may see, joined and annotated for the
    confirmation page's previews (four eyes, and each award's current offer), in the finance
    list's order."""
    from .offers.services import current_offer_subqueries  # offers' services import selectors

    return list(
        with_four_eyes(payable_now(user=user).filter(pk__in=ids)).annotate(
            **current_offer_subqueries()
        )
    )


def payment_in_scope(*, user, pk: int) -> Payment | None:
    """One payment of an area `user` may see, with its award, area, round and programme joined
    and its award's four-eyes money annotated (the approve page says who must approve it)."""
    return (
        with_four_eyes(
            Payment.objects.filter(award__area__in=areas_visible_to(user)).select_related(
                "award", "award__area", "award__area__round", "award__area__round__programme"
            )
        )
        .filter(pk=pk)
        .first()
    )


def _round_sum(model_qs, round_path: str):
    """Sum of ``amount`` over ``model_qs`` (already filtered to OuterRef round), as a subquery."""
    return Coalesce(
        Subquery(
            model_qs.order_by().values(round_path).annotate(s=Sum("amount")).values("s")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def round_totals() -> QuerySet[Round]:
    """Every round with its grant money: awarded (live awards), paid, held back and still to pay.
    One query."""
    live_awards = Award.objects.filter(area__round=OuterRef("pk"), status=Award.Status.LIVE)
    payments = Payment.objects.filter(award__area__round=OuterRef("pk"))
    live_payments = payments.filter(award__status=Award.Status.LIVE)
    return (
        Round.objects.select_related("programme")
        .annotate(
            awarded=_round_sum(live_awards, "area__round"),
            paid=_round_sum(payments.filter(status__in=PAID_STATUSES), "award__area__round"),
            held=_round_sum(live_payments.filter(status__in=HELD_STATUSES), "award__area__round"),
            to_pay=_round_sum(live_payments.filter(status__in=PAYABLE), "award__area__round"),
        )
        .order_by("-starts_on")
    )


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (area report, 360Giving export, payments export) reads from grants.


def area_awards_with_payments(*, area) -> list[Award]:
    """Every award of the area, oldest first, with its payments. No user check: the report's own
    permission decided who may see it."""
    return list(
        Award.objects.filter(area=area)
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("id")))
        .order_by("awarded_on", "id")
    )


def live_awards_with_disbursed(*, round: Round | None = None) -> QuerySet[Award]:
    """Live awards (cancelled ones left out) with their area, lead organisation, round and
    programme, and ``disbursed``: the amount paid so far. One query."""
    qs = (
        Award.objects.filter(status=Award.Status.LIVE)
        .select_related("area", "area__lead_organisation", "area__round", "area__round__programme")
        .annotate(
            disbursed=Coalesce(
                Sum("payments__amount", filter=Q(payments__status__in=PAID_STATUSES)),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .order_by("awarded_on", "pk")
    )
    if round is not None:
        qs = qs.filter(area__round=round)
    return qs


def payment_run(*, user, round_slug: str = "") -> QuerySet[Payment]:
    """The next payment run: payments approved and ready to pay (of live awards), with the lead
    organisation (the payee) and the approvers joined, oldest due first (no due date is due now),
    for the finance export. ``round_slug`` narrows it to one round, as the finance list's filter."""
    qs = payable_now(user=user).filter(status__in=PAYABLE_BY_FINANCE)
    if round_slug:
        qs = qs.filter(award__area__round__slug=round_slug)
    return qs.order_by(F("due_on").asc(nulls_first=True), "award__area__reference", "id")


def payments_visible_to(*, user) -> QuerySet[Payment]:
    """Every payment of the areas the user may see, with its award, area, round and lead
    organisation joined (unordered)."""
    return in_visible_areas(Payment.objects.all(), user, "award__area").select_related(
        "award", "award__area", "award__area__round", "award__area__lead_organisation"
    )
