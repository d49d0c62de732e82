"""One row of facts per area of a round: its context, the support it received, how far it got
and what it achieved, read in a fixed number of queries (one per source, each grouped by area in
the database) whatever the number of areas. The measures (`measures.py`) are computed from these
rows, group by group.

Nothing personal is read: no names, emails, free text or references reach a fact, so nothing
personal can reach a figure.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from applications import selectors as application_selectors
from applications.models import GateStatus
from delivery.indicators import indicator_statuses_for_areas
from delivery.models import Arrangement, CbaOutturnLine, FundingRecord, ReturnFactor
from delivery.selectors import latest_progress_statuses
from delivery.workflows import SENT_STATUSES
from plans import selectors as plan_selectors
from plans.cba import adjusted_benefit
from plans.indicators import IndicatorStatus
from plans.models import PeerReview, ResourcingLine
from programmes import selectors as programme_selectors
from programmes.models import AreaTheme, Round
from support.models import AdviserDay, ContactKind, EventInvitation, SupportContact
from support.workflows import BookingStatus
from surveys.models import ORG_GROUP_OF

ZERO = Decimal("0")
# A shared budget: the money is pooled, aligned or devolved rather than a grant to the area.
SHARED_ARRANGEMENTS = (Arrangement.POOLED, Arrangement.ALIGNED, Arrangement.DEVOLVED)


@dataclass
class AreaFacts:
    pk: int
    org_type: str
    org_group: str
    approach: str
    deprivation_decile: int | None
    stage: str
    status: str
    joined_on: date
    themes: list[str] = field(default_factory=list)  # theme slugs
    # Support received
    adviser_days: Decimal = ZERO  # delivered adviser days
    contacts: int = 0  # relationship managers' logged contacts
    cba_support_contacts: int = 0
    events_attended: int = 0
    peer_reviews_given: int = 0
    peer_reviews_received: int = 0
    cba_required: bool = False
    # Progress
    gg_approved_on: date | None = None
    signed_off_on: date | None = None
    # Results
    funding_planned: Decimal = ZERO
    funding_secured: Decimal = ZERO
    shared_budget: bool = False
    cba_forecast: Decimal = ZERO  # benefits forecast (after optimism bias) of lines with outturn
    cba_outturn: Decimal = ZERO  # their outturn
    progress_status: str | None = None
    obstacles: set = field(default_factory=set)
    enablers: set = field(default_factory=set)
    has_return: bool = False
    # Outcome indicators with a reported value, and those of them on track or achieved
    indicators_reported: int = 0
    indicators_good: int = 0


@dataclass(frozen=True)
class BenefitOutturn:
    """One outturn line of the round, as the CBA comparison reads it: `kind` cost or benefit,
    `benefit_type` (None for costs and for benefits nobody forecast), the forecast before and
    after optimism bias (None when nobody forecast it) and the actual amount."""

    area_id: int
    kind: str
    benefit_type: str | None
    forecast_raw: Decimal | None
    forecast: Decimal | None
    actual: Decimal


def _day(value) -> date | None:
    return timezone.localdate(value) if value else None


@dataclass
class RoundFacts:
    areas: list[AreaFacts]
    outturns: list[BenefitOutturn]
    themes: list[tuple[str, str]]  # (slug, name) of the themes the areas chose, in theme order


def area_facts(round: Round) -> RoundFacts:
    """Every area of the round with its facts, the round's CBA outturn lines and its themes."""
    facts, by_org = _areas(round)
    if not facts:
        return RoundFacts([], [], [])
    theme_labels = _add_themes(round, facts)
    _add_support(round, facts)
    _add_peer_reviews(round, facts, by_org)
    _add_decisions(round, facts)
    _add_funding(round, facts)
    outturns = _outturns(round, facts)
    _add_returns(round, facts)
    themes = sorted(theme_labels.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    return RoundFacts(list(facts.values()), outturns, [(slug, name) for slug, (_, name) in themes])


def _areas(round: Round) -> tuple[dict[int, AreaFacts], dict[int, list[AreaFacts]]]:
    """The round's areas, by id, and by their lead organisation."""
    facts: dict[int, AreaFacts] = {}
    by_org: dict[int, list[AreaFacts]] = defaultdict(list)
    for row in (
        programme_selectors.round_areas(round=round)
        .order_by("pk")
        .values(
            "pk",
            "lead_organisation_id",
            "lead_organisation__org_type",
            "approach",
            "deprivation_decile",
            "stage",
            "status",
            "joined_on",
        )
    ):
        f = AreaFacts(
            pk=row["pk"],
            org_type=row["lead_organisation__org_type"],
            org_group=ORG_GROUP_OF[row["lead_organisation__org_type"]].value,
            approach=row["approach"],
            deprivation_decile=row["deprivation_decile"],
            stage=row["stage"],
            status=row["status"],
            joined_on=row["joined_on"],
        )
        facts[f.pk] = f
        by_org[row["lead_organisation_id"]].append(f)
    return facts, by_org


def _add_themes(round: Round, facts) -> dict[str, tuple[int, str]]:
    """Each area's themes; returns each theme's (order, name) by slug."""
    theme_labels: dict[str, tuple[int, str]] = {}
    for area_id, slug, name, order in (
        AreaTheme.objects.filter(area__round=round)
        .order_by("area_id", "position")
        .values_list("area_id", "theme__slug", "theme__name", "theme__order")
    ):
        facts[area_id].themes.append(slug)
        theme_labels[slug] = (order, name)

    return theme_labels


def _add_support(round: Round, facts) -> None:
    """Adviser days delivered, support contacts and events attended."""
    for area_id, days in (
        AdviserDay.objects.filter(area__round=round, status=BookingStatus.DELIVERED)
        .order_by()
        .values("area_id")
        .annotate(days=Sum("days"))
        .values_list("area_id", "days")
    ):
        facts[area_id].adviser_days = days or ZERO

    for area_id, n, cba in (
        SupportContact.objects.filter(area__round=round)
        .order_by()
        .values("area_id")
        .annotate(n=Count("pk"), cba=Count("pk", filter=Q(kind=ContactKind.CBA_SUPPORT)))
        .values_list("area_id", "n", "cba")
    ):
        facts[area_id].contacts = n
        facts[area_id].cba_support_contacts = cba

    for area_id, n in (
        EventInvitation.objects.filter(area__round=round, attended=True)
        .order_by()
        .values("area_id")
        .annotate(n=Count("pk"))
        .values_list("area_id", "n")
    ):
        facts[area_id].events_attended = n


def _add_peer_reviews(round: Round, facts, by_org) -> None:
    # Received: reviews of the area's own plan. Given: reviews its lead organisation wrote of
    # other plans of the same round (an organisation leading two areas is credited in both).
    for area_id, n in (
        PeerReview.objects.filter(assignment__plan__area__round=round)
        .order_by()
        .values("assignment__plan__area_id")
        .annotate(n=Count("pk"))
        .values_list("assignment__plan__area_id", "n")
    ):
        facts[area_id].peer_reviews_received = n
    for org_id, n in (
        PeerReview.objects.filter(assignment__plan__area__round=round)
        .order_by()
        .values("assignment__reviewer_organisation_id")
        .annotate(n=Count("pk"))
        .values_list("assignment__reviewer_organisation_id", "n")
    ):
        for f in by_org.get(org_id, []):
            f.peer_reviews_given = n


def _add_decisions(round: Round, facts) -> None:
    """When Getting Going was approved (and whether it asked for a CBA), and when the plan was
    signed off."""
    for area_id, decided_at, cba in (
        application_selectors.getting_going_gates()
        .filter(area__round=round, status=GateStatus.APPROVED)
        .order_by("area_id", "decided_at")
        .values_list("area_id", "decided_at", "cba_required")
    ):
        f = facts[area_id]
        f.gg_approved_on = f.gg_approved_on or _day(decided_at)
        f.cba_required = f.cba_required or cba

    for area_id, decided_at in (
        plan_selectors.signed_off_plans()
        .filter(area__round=round)
        .order_by()
        .values_list("area_id", "decided_at")
    ):
        facts[area_id].signed_off_on = _day(decided_at)


def _add_funding(round: Round, facts) -> None:
    """Match funding planned and secured, and whether any budget is shared."""
    for area_id, planned in (
        ResourcingLine.objects.filter(plan__area__round=round)
        .order_by()
        .values("plan__area_id")
        .annotate(total=Sum("planned_amount"))
        .values_list("plan__area_id", "total")
    ):
        facts[area_id].funding_planned = planned or ZERO
    for area_id, secured, shared in (
        FundingRecord.objects.filter(area__round=round)
        .order_by()
        .values("area_id")
        .annotate(
            total=Sum("amount"),
            shared=Count("pk", filter=Q(arrangement__in=SHARED_ARRANGEMENTS, amount__gt=0)),
        )
        .values_list("area_id", "total", "shared")
    ):
        facts[area_id].funding_secured = secured or ZERO
        facts[area_id].shared_budget = bool(shared)


def _outturns(round: Round, facts) -> list[BenefitOutturn]:
    """The round's CBA outturn lines; each area's like-for-like forecast and outturn."""
    outturns = []
    for o in (
        CbaOutturnLine.objects.filter(area__round=round)
        .order_by("area_id", "pk")
        .values(
            "area_id",
            "kind",
            "actual_amount",
            "cost_line__amount",
            "benefit_line__amount",
            "benefit_line__benefit_type",
            "benefit_line__optimism_bias_pct",
        )
    ):
        if o["kind"] == "cost":
            raw = o["cost_line__amount"]
            forecast = raw
            benefit_type = None
        else:
            raw = o["benefit_line__amount"]
            benefit_type = o["benefit_line__benefit_type"]
            forecast = (
                None
                if raw is None
                else adjusted_benefit(raw, o["benefit_line__optimism_bias_pct"] or ZERO)
            )
        line = BenefitOutturn(
            o["area_id"], o["kind"], benefit_type, raw, forecast, o["actual_amount"]
        )
        outturns.append(line)
        if line.kind == "benefit" and line.forecast is not None:
            # Like for like: the forecast of the lines that have an outturn, against it.
            facts[line.area_id].cba_forecast += line.forecast
            facts[line.area_id].cba_outturn += line.actual

    return outturns


def _add_returns(round: Round, facts) -> None:
    """The latest progress status, the obstacles and enablers reported, and the indicators."""
    for area_id, status in latest_progress_statuses(round=round).items():
        facts[area_id].progress_status = status
        facts[area_id].has_return = True

    for area_id, factor, kind in (
        ReturnFactor.objects.filter(
            progress_return__area__round=round, progress_return__status__in=SENT_STATUSES
        )
        .order_by()
        .values_list("progress_return__area_id", "factor", "kind")
        .distinct()
    ):
        (facts[area_id].obstacles if kind == "obstacle" else facts[area_id].enablers).add(factor)

    for area_id, statuses in indicator_statuses_for_areas(list(facts)).items():
        good = statuses[IndicatorStatus.ON_TRACK] + statuses[IndicatorStatus.ACHIEVED]
        facts[area_id].indicators_good = good
        facts[area_id].indicators_reported = good + statuses[IndicatorStatus.BEHIND]
