"""Reads for due diligence: an organisation's current checklist and its history, the list across
organisations, and what My work asks for."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from programmes.models import Organisation

from .models import DueDiligence, FraudRisk, GovernanceDocument, RegisterCheck
from .workflows import DiligenceStatus, RiskDecision

EXPIRING_DAYS = 60


def _confirmed():
    return DueDiligence.objects.filter(status=DiligenceStatus.CONFIRMED)


def current_for(organisation_id) -> DueDiligence | None:
    """The checklist that counts for the organisation: its latest confirmed one (None: none)."""
    return _confirmed().filter(organisation_id=organisation_id).order_by("-confirmed_at").first()


def current_for_many(organisation_ids) -> dict[int, DueDiligence]:
    """{organisation id: its current checklist} in one query."""
    ids = set(organisation_ids)
    rows = _confirmed().filter(organisation_id__in=ids).order_by("organisation_id", "-confirmed_at")
    found: dict[int, DueDiligence] = {}
    for dd in rows:
        found.setdefault(dd.organisation_id, dd)
    return found


def checklist_for_page(pk) -> DueDiligence:
    return (
        DueDiligence.objects.select_related(
            "organisation", "prepared_by", "confirmed_by", "risk_decided_by"
        )
        .prefetch_related(
            Prefetch(
                "register_checks", queryset=RegisterCheck.objects.select_related("checked_by")
            ),
            Prefetch(
                "documents", queryset=GovernanceDocument.objects.select_related("uploaded_by")
            ),
        )
        .get(pk=pk)
    )


def history_for(organisation) -> QuerySet[DueDiligence]:
    """Every checklist of the organisation, newest first, with the people named."""
    return (
        DueDiligence.objects.filter(organisation=organisation)
        .select_related("prepared_by", "confirmed_by", "risk_decided_by")
        .prefetch_related(
            Prefetch(
                "register_checks", queryset=RegisterCheck.objects.select_related("checked_by")
            ),
            Prefetch(
                "documents", queryset=GovernanceDocument.objects.select_related("uploaded_by")
            ),
        )
        .order_by("-created_at", "-pk")
    )


def _latest_per_organisation():
    """Each organisation's latest checklist: the open one if there is one, else its latest
    confirmed one."""
    latest = DueDiligence.objects.filter(organisation_id=OuterRef("organisation_id")).order_by(
        "-created_at", "-pk"
    )
    return DueDiligence.objects.filter(pk=Subquery(latest.values("pk")[:1]))


def diligence_list() -> QuerySet[DueDiligence]:
    """The list across organisations: each organisation's latest checklist, by name (the
    list's filters, diligence.filters, narrow it with the two functions below)."""
    return (
        _latest_per_organisation()
        .select_related("organisation", "prepared_by", "confirmed_by")
        .order_by("organisation__name", "pk")
    )


def diligence_in_state(
    checklists: QuerySet[DueDiligence], state: str, *, today: datetime.date
) -> QuerySet[DueDiligence]:
    """Narrowed to a state; "expired" is a state people ask for, though it is a date, and "high
    risk, no decision" is what holds money until a programme manager decides."""
    if state == "expired":
        return checklists.filter(status=DiligenceStatus.CONFIRMED, expires_on__lt=today)
    if state == "high_undecided":
        return checklists.filter(
            status=DiligenceStatus.CONFIRMED,
            fraud_risk=FraudRisk.HIGH,
            risk_decision=RiskDecision.PENDING,
        )
    return checklists.filter(status=state) if state else checklists


def diligence_expiring(
    checklists: QuerySet[DueDiligence], *, today: datetime.date
) -> QuerySet[DueDiligence]:
    """Narrowed to confirmed checklists that expire within EXPIRING_DAYS (not yet expired)."""
    return checklists.filter(
        status=DiligenceStatus.CONFIRMED,
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
    )


def awaiting_confirmation_by(user) -> QuerySet[DueDiligence]:
    """Checklists sent for confirmation that `user` may confirm (not their own)."""
    return (
        DueDiligence.objects.filter(status=DiligenceStatus.SUBMITTED)
        .exclude(prepared_by=user)
        .select_related("organisation", "prepared_by")
        .order_by("submitted_at", "pk")
    )


def expiring_soon(*, today: datetime.date) -> QuerySet[DueDiligence]:
    """Current checklists that expire within 60 days (or have expired) and have no newer
    checklist started, for programme managers to renew."""
    newer = DueDiligence.objects.filter(
        organisation_id=OuterRef("organisation_id"), created_at__gt=OuterRef("created_at")
    )
    return (
        _confirmed()
        .filter(expires_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS))
        .exclude(Exists(newer))
        .select_related("organisation")
        .order_by("expires_on", "pk")
    )


def high_risk_undecided() -> QuerySet[DueDiligence]:
    return (
        _confirmed()
        .filter(fraud_risk=FraudRisk.HIGH, risk_decision=RiskDecision.PENDING)
        .select_related("organisation")
        .order_by("confirmed_at", "pk")
    )


def organisations_without_diligence() -> QuerySet[Organisation]:
    """Lead organisations with no checklist at all."""
    return (
        Organisation.objects.filter(led_areas__isnull=False)
        .exclude(Exists(DueDiligence.objects.filter(organisation_id=OuterRef("pk"))))
        .distinct()
        .order_by("name")
    )


def organisation_ids_with_open(organisation_ids) -> set[int]:
    return set(
        DueDiligence.objects.filter(
            organisation_id__in=organisation_ids,
            status__in=[DiligenceStatus.DRAFT, DiligenceStatus.SUBMITTED, DiligenceStatus.RETURNED],
        ).values_list("organisation_id", flat=True)
    )


def open_for(organisation_id) -> DueDiligence | None:
    """The organisation's checklist in preparation or awaiting confirmation, if any."""
    return (
        DueDiligence.objects.filter(
            organisation_id=organisation_id,
            status__in=[DiligenceStatus.DRAFT, DiligenceStatus.SUBMITTED, DiligenceStatus.RETURNED],
        )
        .select_related("prepared_by")
        .first()
    )
