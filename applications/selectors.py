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


# --- Assessors, declarations and moderation ------------------------------------------------------

from django.db.models import Q, Sum  # noqa: E402

from accounts.models import Role, User  # noqa: E402

from .models import AssessorAssignment, AssessorStatus, ConflictDeclaration  # noqa: E402


def possible_assessors() -> QuerySet[User]:
    """Who may be assigned to assess: active programme managers and admins."""
    return User.objects.filter(
        Q(role__in=[Role.PROGRAMME_MANAGER, Role.ADMIN]) | Q(is_superuser=True), is_active=True
    ).order_by("first_name", "last_name", "username")


def assessors_of(subject) -> list[AssessorAssignment]:
    """Everyone assigned to `subject` (removed ones too, last), with what they declared."""
    where = app_perms.subject_filter(subject)
    rows = list(
        AssessorAssignment.objects.filter(**where).select_related("assessor", "assigned_by")
    )
    declared = {
        d.assessor_id: d
        for d in ConflictDeclaration.objects.filter(**where).select_related("assessor")
    }
    for row in rows:
        row.declared = declared.pop(row.assessor_id, None)
    rows.sort(key=lambda r: (r.status == AssessorStatus.REMOVED, r.assigned_at, r.pk))
    # Declarations without an assignment (a peer reviewer's) are listed after them.
    return rows + [_unassigned(d) for d in declared.values()]


def _unassigned(declaration):
    row = AssessorAssignment(assessor=declaration.assessor, status=AssessorStatus.REMOVED)
    row.declared = declaration
    return row


def round_declarations(*, round: Round) -> QuerySet[ConflictDeclaration]:
    """Every declaration about the round's applications, stage gates and final plans, oldest
    first: the register the funder reads."""
    return (
        ConflictDeclaration.objects.filter(
            Q(application__round=round) | Q(gate__area__round=round) | Q(plan__area__round=round)
        )
        .select_related("assessor", "application", "gate__area", "plan__area")
        .order_by("declared_at", "pk")
    )


def assigned_to_assess(user) -> QuerySet[AssessorAssignment]:
    """The live assignments of `user` whose subject still waits for a decision (My work)."""
    return (
        AssessorAssignment.objects.filter(assessor=user)
        .exclude(status__in=[AssessorStatus.REMOVED, AssessorStatus.CONFLICTED])
        .filter(
            Q(
                application__status__in=[
                    ApplicationStatus.SUBMITTED,
                    ApplicationStatus.UNDER_ASSESSMENT,
                ]
            )
            | Q(gate__status=GateStatus.SUBMITTED)
            | Q(
                plan__status__in=[
                    "final_submitted",
                    "under_review",
                    "pm_approved",
                    "funder_approved",
                ]
            )
        )
        .select_related("application__round", "gate__area", "plan__area")
        # Those still to be declared about first ("awaiting" sorts before "clear").
        .order_by("status", "assigned_at", "pk")
    )


def round_moderation(*, round: Round) -> dict:
    """The round's applications scored by two or more assessors, each with the assessors' total
    scores side by side, flagged where the highest and lowest totals differ by more than the
    round's threshold (a percentage of the highest total possible). Three queries, whatever the
    number of applications."""
    scale = assessment_settings_for(round)
    criteria = criteria_for(round)
    possible = scale.score_max * len(criteria)
    threshold = possible * scale.moderation_gap_percent / 100
    totals = {}
    for row in (
        AssessmentScore.objects.filter(application__round=round)
        .order_by()
        .values("application", "assessor")
        .annotate(total=Sum("score"), scored=Count("pk"))
    ):
        totals.setdefault(row["application"], {})[row["assessor"]] = (row["total"], row["scored"])
    several = {a: by for a, by in totals.items() if len(by) > 1}
    people = User.objects.in_bulk({u for by in several.values() for u in by})
    applications = Application.objects.in_bulk(several.keys())
    rows = []
    for pk, by in several.items():
        values = [total for total, _ in by.values()]
        gap = max(values) - min(values)
        rows.append(
            {
                "application": applications[pk],
                "totals": sorted(
                    (
                        (people[u], total, scored, scored < len(criteria))
                        for u, (total, scored) in by.items()
                    ),
                    key=lambda t: (-t[1], t[0].get_full_name()),
                ),
                "gap": gap,
                "flagged": gap > threshold,
            }
        )
    rows.sort(key=lambda r: (not r["flagged"], -r["gap"], r["application"].area_name))
    return {
        "rows": rows,
        "threshold": threshold,
        "possible": possible,
        "percent": scale.moderation_gap_percent,
        "flagged": sum(1 for r in rows if r["flagged"]),
    }
