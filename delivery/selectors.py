"""Reads for the delivery pages, shaped so each page has a fixed number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.utils import timezone

from accounts.models import AreaAssignment
from accounts.permissions import (
    is_lead_organisation_user,
    is_manager_or_admin,
    is_relationship_manager,
)
from core.memo import cached_one_to_one, per_object
from programmes.models import Area, AreaStatus
from programmes.permissions import areas_visible_to, in_visible_areas

from .comparisons import ZERO, CbaComparison, FundingComparison, compare_cba, compare_funding
from .models import (
    CbaOutturnLine,
    CommitmentStatus,
    FundingRecord,
    MakingItHappenApplication,
    ProgressReturn,
    ReturnComment,
    ReturnReview,
    ReturnStatus,
)
from .workflows import SENT_STATUSES

RETURN_STATES = [
    ("due", "Due"),
    ("overdue", "Overdue"),
    ("submitted", "Awaiting review"),
    ("changes_requested", "Changes requested"),
    ("accepted", "Accepted"),
]


def state_q(state: str, today: datetime.date) -> Q:
    """The condition for a return's state on `today` (see ProgressReturn.state_on). Returns not
    yet sent are only expected from areas still in the programme: once an area has withdrawn or
    not progressed, its unsent returns are no longer due, upcoming or overdue."""
    # "Not of an area that left" rather than a join on the area's status: the few that left come
    # from their own small index (area_not_active_idx), so a count of overdue returns reads only
    # the returns instead of hashing every area (6 ms -> 2 ms at 20,000 areas).
    left = Area.objects.exclude(status=AreaStatus.ACTIVE).values("pk")
    draft = Q(status=ReturnStatus.DRAFT) & ~Q(area__in=left)
    if state in (ReturnStatus.SUBMITTED, ReturnStatus.CHANGES_REQUESTED, ReturnStatus.ACCEPTED):
        return Q(status=state)
    if state == "overdue":
        return draft & Q(due_on__lt=today)
    if state == "due":
        return draft & Q(period_end__lt=today, due_on__gte=today)
    if state == "upcoming":
        return draft & Q(period_end__gte=today)
    # Default: everything needing attention, i.e. due or overdue.
    return draft & Q(period_end__lt=today)


def returns_list(*, user, today: datetime.date) -> QuerySet:
    """Returns of the areas the user can see, with the area, round, lead organisation and the
    current relationship manager: three queries whatever the number of rows."""
    return (
        in_visible_areas(ProgressReturn.objects.all(), user)
        .select_related("area", "area__round", "area__lead_organisation", "submitted_by")
        .prefetch_related(
            Prefetch(
                "area__assignments",
                queryset=AreaAssignment.objects.filter(ended_on__isnull=True).select_related(
                    "user"
                ),
                to_attr="current_assignments",
            )
        )
        .order_by("due_on", "area__reference")
    )


def area_returns(*, area) -> list[ProgressReturn]:
    """The area's returns, soonest first (the period the area is in now before the ones of
    later years)."""
    return list(
        ProgressReturn.objects.filter(area=area)
        .select_related("area__round")
        .prefetch_related("factors")
        .order_by("period_start")
    )


def return_detail(*, user, pk) -> ProgressReturn | None:
    return (
        ProgressReturn.objects.filter(area__in=areas_visible_to(user), pk=pk)
        .select_related("area", "area__round", "area__lead_organisation", "submitted_by")
        .prefetch_related(
            "factors",
            Prefetch(
                "reviews",
                queryset=ReturnReview.objects.select_related("reviewer").prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=ReturnComment.objects.select_related("responded_by"),
                    )
                ),
            ),
        )
        .first()
    )


def returns_awaiting_review_for(user) -> QuerySet:
    """Submitted returns this person may review (accept or ask for changes), oldest submission
    first: every one for programme managers and admins, the areas they look after now for a
    relationship manager, none for anyone else. For the "My work" page's counts and lists."""
    qs = ProgressReturn.objects.filter(status=ReturnStatus.SUBMITTED)
    if is_manager_or_admin(user):
        pass
    elif is_relationship_manager(user):
        qs = qs.filter(area__in=_current_rm_areas(user))
    else:
        return qs.none()
    return qs.select_related("area", "area__round").order_by("submitted_at", "pk")


def returns_overdue_for(user, *, today: datetime.date | None = None) -> QuerySet:
    """Overdue returns (see `state_q`) this person should chase or send, most overdue first:
    every one for programme managers and admins, their areas' for a relationship manager, their
    own organisation's areas' for a lead organisation user, none for anyone else."""
    today = today or timezone.localdate()
    qs = ProgressReturn.objects.filter(state_q("overdue", today))
    if is_relationship_manager(user):
        qs = qs.filter(area__in=_current_rm_areas(user))
    elif is_lead_organisation_user(user):
        qs = qs.filter(area__in=areas_visible_to(user))
    elif not is_manager_or_admin(user):
        return qs.none()
    return qs.select_related("area", "area__round").order_by("due_on", "pk")


def _current_rm_areas(user):
    return AreaAssignment.objects.filter(user=user, ended_on__isnull=True).values("area_id")


def returns_read_once(area) -> list[ProgressReturn]:
    """`area_returns`, read once per area object: the area page's delivery panel and its next
    step both use them (a return a quarter, so a few a year)."""
    return per_object(area, "returns", lambda: area_returns(area=area))


def latest_and_next_return(*, area, today: datetime.date):
    """(latest_return, next_return) for the area page, from `returns_read_once` (no query
    of its own): the same rules as those two selectors."""
    returns = returns_read_once(area)
    sent = [r for r in returns if r.status in SENT_STATUSES]
    latest = max(sent, key=lambda r: r.period_start, default=None)
    expected = area.status == AreaStatus.ACTIVE
    next_due = next(
        (
            r
            for r in returns
            if r.status == ReturnStatus.CHANGES_REQUESTED
            or (r.status == ReturnStatus.DRAFT and expected and r.period_end < today)
        ),
        None,
    )
    return latest, next_due


def latest_return(*, area) -> ProgressReturn | None:
    return (
        ProgressReturn.objects.filter(area=area, status__in=SENT_STATUSES)
        .prefetch_related("factors")
        .order_by("-period_start")
        .first()
    )


def next_return(*, area, today: datetime.date) -> ProgressReturn | None:
    """The oldest return still to send whose period has ended (due or overdue), or one sent back
    with changes requested."""
    return (
        ProgressReturn.objects.filter(area=area)
        .filter(state_q("", today) | Q(status=ReturnStatus.CHANGES_REQUESTED))
        .select_related("area__round")
        .order_by("period_start")
        .first()
    )


# Funding ----------------------------------------------------------------------------------------


def funding_records(*, area) -> list[FundingRecord]:
    return list(FundingRecord.objects.filter(area=area).order_by("year", "source", "id"))


def funding_planned_vs_secured(area) -> FundingComparison:
    """Planned (the plan's resourcing lines) against secured (funding records) by source and
    year, with the evaluation's outcome labels. One query (both sides in one UNION ALL)."""
    from plans.models import ResourcingLine

    planned = (
        ResourcingLine.objects.filter(plan__area=area)
        .annotate(side=Value("planned"))
        .values_list("source", "year", "planned_amount", "side")
        .order_by()
    )
    secured = (
        FundingRecord.objects.filter(area=area)
        .annotate(side=Value("secured"))
        .values_list("source", "year", "amount", "side")
        .order_by()
    )
    rows = list(planned.union(secured, all=True))
    return compare_funding(
        planned=[row[:3] for row in rows if row[3] == "planned"],
        secured=[row[:3] for row in rows if row[3] == "secured"],
    )


# CBA outturn ------------------------------------------------------------------------------------


def area_cba(area):
    from plans.models import CostBenefitAnalysis

    read, cba = cached_one_to_one(area, "cba")
    if read:  # the area page's query brought it (programmes.selectors.area_detail)
        if cba is not None:
            prefetch_related_objects([cba], "costs", "benefits")
        return cba
    return (
        CostBenefitAnalysis.objects.filter(area=area).prefetch_related("costs", "benefits").first()
    )


def cba_forecast_vs_outturn(area, cba=None) -> CbaComparison | None:
    """None when the area has no CBA."""
    cba = cba or area_cba(area)
    if cba is None:
        return None
    outturns = list(CbaOutturnLine.objects.filter(area=area))
    return compare_cba(
        discount_rate_pct=cba.discount_rate_pct,
        costs=cba.costs.all(),
        benefits=cba.benefits.all(),
        outturns=outturns,
    )


def outturn_lines(*, area) -> list[CbaOutturnLine]:
    return list(
        CbaOutturnLine.objects.filter(area=area).select_related("cost_line", "benefit_line")
    )


# Making it Happen -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchFundingTotals:
    committed: Decimal  # all live commitments (committed, confirmed or received)
    confirmed: Decimal  # confirmed or received
    received: Decimal  # money actually received
    withdrawn: Decimal
    count: int

    @property
    def outstanding(self) -> Decimal:
        """Committed by bodies still in, not yet received."""
        return self.committed - self.received_committed

    received_committed: Decimal = ZERO


def making_it_happen(*, area) -> MakingItHappenApplication | None:
    read, mih = cached_one_to_one(area, "making_it_happen")
    if read:  # brought with its gate and editor by the area page's query
        if mih is not None:
            prefetch_related_objects([mih], "commitments")
        return mih
    return (
        MakingItHappenApplication.objects.filter(area=area)
        .select_related("gate", "updated_by")
        .prefetch_related("commitments")
        .first()
    )


def match_funding_totals(commitments) -> MatchFundingTotals:
    live = [c for c in commitments if c.status != CommitmentStatus.WITHDRAWN]
    received = [c for c in live if c.status == CommitmentStatus.RECEIVED]
    return MatchFundingTotals(
        committed=sum((c.amount for c in live), ZERO),
        confirmed=sum(
            (
                c.amount
                for c in live
                if c.status in (CommitmentStatus.CONFIRMED, CommitmentStatus.RECEIVED)
            ),
            ZERO,
        ),
        received=sum((c.received_amount or ZERO for c in received), ZERO),
        withdrawn=sum(
            (c.amount for c in commitments if c.status == CommitmentStatus.WITHDRAWN), ZERO
        ),
        count=len(live),
        received_committed=sum((c.amount for c in received), ZERO),
    )


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (dashboard, programme report) reads from delivery.


def overdue_return_count(*, round, today: datetime.date) -> int:
    """How many of the round's progress returns are overdue on `today` (see `state_q`)."""
    return (
        ProgressReturn.objects.filter(area__round=round).filter(state_q("overdue", today)).count()
    )


def latest_progress_statuses(*, round) -> dict[int, str]:
    """Each area's progress status from its latest submitted return, by area id (areas with no
    submitted return are absent). One query."""
    latest: dict[int, str] = {}
    for area_id, status in (
        ProgressReturn.objects.filter(area__round=round, status__in=SENT_STATUSES)
        .order_by("area_id", "-period_start")
        .values_list("area_id", "progress_status")
    ):
        latest.setdefault(area_id, status)
    return latest


def round_funding_planned_vs_secured(round) -> FundingComparison:
    """`funding_planned_vs_secured` across every area of the round. Two queries."""
    # Imported here as funding_planned_vs_secured does: plans' models are read only by these two.
    from plans.models import ResourcingLine

    planned = ResourcingLine.objects.filter(plan__area__round=round).values_list(
        "source", "year", "planned_amount"
    )
    secured = FundingRecord.objects.filter(area__round=round).values_list(
        "source", "year", "amount"
    )
    return compare_funding(planned=list(planned), secured=list(secured))
