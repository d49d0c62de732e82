"""Reads for the application and stage-gate pages, shaped for a fixed number of queries."""

from django.db.models import Avg, Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.memo import per_object
from programmes.models import Round

from . import permissions as app_perms
from .models import (
    Application,
    ApplicationStatus,
    ApplicationTheme,
    AssessmentCriterion,
    AssessmentScore,
    GateApplication,
    GateStatus,
    RoundAssessmentSettings,
)


def assessment_settings_for(round: Round) -> RoundAssessmentSettings:
    """The round's score scale; the default 0 to 5 when none has been set."""
    found = RoundAssessmentSettings.objects.filter(round=round).first()
    return found or RoundAssessmentSettings(round=round)


def open_rounds() -> QuerySet[Round]:
    return Round.objects.filter(status=Round.Status.OPEN).order_by("closes_on")


def application_list(*, user) -> QuerySet[Application]:
    return (
        app_perms.applications_visible_to(user)
        .select_related("round", "organisation", "applicant", "area")
        .prefetch_related(
            Prefetch(
                "application_themes",
                queryset=ApplicationTheme.objects.select_related("theme").order_by("position"),
            )
        )
        .annotate(average_score=_scores_of(Avg("score")), score_count=_scores_of(Count("pk")))
    )


def _scores_of(aggregate):
    """One application's `aggregate` over its scores, as a subquery: a join with the scores and a
    GROUP BY made every count and page of the queue group every application (24 ms at 20,000
    areas for the page alone); the subquery runs only for the rows shown."""
    per_application = (
        AssessmentScore.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(value=aggregate)
        .values("value")
    )
    if isinstance(aggregate, Count):
        return Coalesce(Subquery(per_application), 0)
    return Subquery(per_application)


def application_detail(*, user, pk) -> Application | None:
    return (
        application_list(user=user)
        .prefetch_related(
            "partners",
            Prefetch(
                "scores",
                queryset=AssessmentScore.objects.select_related("criterion", "assessor"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def status_counts(queryset) -> dict[str, int]:
    """How many applications in each status, for the queue's badges (one query)."""
    # Count, not Count(distinct): the queue's rows are one per application (its filters narrow
    # by subqueries, the scores come as subqueries), and the distinct sorted every application
    # (28 ms -> 11 ms at 20,000 areas).
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in ApplicationStatus}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def criteria_for(round: Round) -> list[AssessmentCriterion]:
    return list(AssessmentCriterion.objects.filter(round=round).order_by("order", "name"))


def weighted_score(application: Application, criteria) -> float | None:
    """Weighted mean of each criterion's mean score, or None until every criterion is scored."""
    by_criterion = {}
    for s in application.scores.all():
        by_criterion.setdefault(s.criterion_id, []).append(s.score)
    if not criteria or any(c.pk not in by_criterion for c in criteria):
        return None
    total_weight = sum(float(c.weight) for c in criteria)
    return (
        sum(float(c.weight) * sum(by_criterion[c.pk]) / len(by_criterion[c.pk]) for c in criteria)
        / total_weight
    )


def gate_list(*, user) -> QuerySet[GateApplication]:
    return app_perms.gates_visible_to(user).select_related(
        "area", "area__lead_organisation", "area__round", "milestone", "decided_by"
    )


def gates_for_area(area) -> QuerySet[GateApplication]:
    return GateApplication.objects.filter(area=area).select_related("milestone", "decided_by")


def area_gates(area) -> list[GateApplication]:
    """The area's gate applications, read once per area object: the area page's actions, its
    gates panel and its next step all use them."""
    return per_object(area, "gates", lambda: list(gates_for_area(area)))


def area_extensions(area) -> list:
    """The area's deadline extensions with their milestones, read once per area object (the
    gates panel lists them; the next step moves its deadlines by them)."""
    return per_object(
        area, "extensions", lambda: list(area.deadline_extensions.select_related("milestone"))
    )


def area_requires_cba(area) -> bool:
    """Was the area told at its Getting Going gate to produce a cost benefit analysis?"""
    return GateApplication.objects.filter(
        area=area, status=GateStatus.APPROVED, cba_required=True
    ).exists()


def gate_counts(queryset) -> dict[str, int]:
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in GateStatus}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (funnel, dashboard, records import) reads from applications. Appended as
# one block by the reports refactor; its import sits here so the file's head is left to its owners.

from .models import GateStage  # noqa: E402


def submitted_application_count(*, round: Round) -> int:
    """Applications to join the round that were sent, whatever happened to them afterwards
    (drafts never sent are not counted)."""
    return Application.objects.filter(round=round, submitted_at__isnull=False).count()


def submitted_applications(*, round: Round) -> QuerySet[Application]:
    """Applications to join the round that were sent (drafts never sent left out), for the
    reports to group by outcome."""
    return Application.objects.filter(round=round, submitted_at__isnull=False)


def getting_going_gates() -> QuerySet[GateApplication]:
    """Every Getting Going gate application, in any status (the funnel filters further)."""
    return GateApplication.objects.filter(target_stage=GateStage.GETTING_GOING)


def sent_application_matching(
    *, round: Round, organisation_name: str, area_name: str
) -> Application | None:
    """A sent application to join `round` from the organisation for the neighbourhood (both
    names in any case): how the records import recognises an application it imported before
    that never became an area."""
    return Application.objects.filter(
        round=round,
        # The organisation's indexed lower-case name, not a case-insensitive scan of the table.
        organisation__name_key=organisation_name.lower(),
        area_name__iexact=area_name,
        submitted_at__isnull=False,
    ).first()


def latest_getting_going_gate(*, area) -> GateApplication | None:
    """The area's most recently sent Getting Going gate application (drafts left out)."""
    return (
        getting_going_gates()
        .filter(area=area)
        .exclude(status=GateStatus.DRAFT)
        .order_by("-submitted_at", "-pk")
        .first()
    )
