"""Reads for the reports pages."""

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from accounts import permissions as perms
from programmes.models import Area, AreaStage, Round

from . import metrics
from .models import Audience, ReportJob, ReportKind


def _jobs() -> QuerySet[ReportJob]:
    return ReportJob.objects.select_related(
        "area", "area__lead_organisation", "round", "requested_by"
    )


def jobs_visible_to(*, user) -> QuerySet[ReportJob]:
    """Every job for staff; a lead organisation user's own areas' lead-organisation edition."""
    qs = _jobs()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(
            kind=ReportKind.AREA_PROGRESS,
            audience=Audience.AREA,
            area__in=perms.areas_visible_to(user),
        )
    return qs.none()


def recent_jobs(*, user, limit: int = 25) -> list[ReportJob]:
    """Requested (not scheduled) jobs the user may see, newest first."""
    return list(
        jobs_visible_to(user=user).filter(scheduled=False).order_by("-created_at", "-id")[:limit]
    )


def scheduled_reports(*, user, limit: int = 24) -> list[ReportJob]:
    if not perms.is_programme_staff(user):
        return []
    return list(_jobs().filter(scheduled=True).order_by("-report_date", "round__name")[:limit])


def job_for(*, user, pk: int) -> ReportJob | None:
    return jobs_visible_to(user=user).filter(pk=pk).first()


# --- Programme dashboard ------------------------------------------------------------------------


def dashboard_round(slug: str | None = None) -> Round | None:
    """The round named by `slug`; without one, the live round (the latest to start), else the
    latest round."""
    rounds = Round.objects.order_by("-starts_on", "-pk")
    if slug:
        return rounds.select_related("programme").filter(slug=slug).first()
    return rounds.filter(status=Round.Status.LIVE).first() or rounds.first()


def dashboard_rounds() -> list[Round]:
    return list(Round.objects.select_related("programme").order_by("-starts_on", "name"))


def dashboard(*, round: Round, today=None) -> dict:
    """Everything the dashboard shows for one round, in a fixed number of queries whatever the
    number of areas: three for the funnel and progression (`reports.metrics`), one for stage
    counts, one for plans awaiting sign-off, one for payments due, one for overdue returns."""
    from delivery.models import ProgressReturn
    from delivery.selectors import state_q
    from grants.selectors import payable_now
    from plans.models import OperationalPlan
    from plans.selectors import annotate_waiting
    from plans.workflows import AWAITING_REVIEW

    today = today or timezone.localdate()
    data = metrics.round_metrics(round)
    by_stage = {
        row["stage"]: row["n"]
        for row in Area.objects.filter(round=round)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
    }
    awaiting = list(
        OperationalPlan.objects.filter(area__round=round, status__in=AWAITING_REVIEW)
        .select_related("area", "area__round", "area__lead_organisation")
        .order_by("final_submitted_at", "pk")
    )
    for plan in awaiting:
        annotate_waiting(plan, today)
    payments = (
        payable_now()
        .filter(award__area__round=round)
        .order_by()
        .aggregate(total=Sum("amount"), count=Count("id"))
    )
    overdue_returns = (
        ProgressReturn.objects.filter(area__round=round).filter(state_q("overdue", today)).count()
    )
    funnel = data.funnel()
    return {
        "round": round,
        "stages": [
            {"value": value, "label": label, "count": by_stage.get(value, 0)}
            for value, label in AreaStage.choices
        ],
        "total_areas": sum(by_stage.values()),
        "funnel": funnel,
        "funnel_chart": {
            "labels": [s["label"] for s in funnel],
            "counts": [s["count"] for s in funnel],
        },
        "drop_out": data.drop_out(),
        "by_org_type": data.progression_by_org_type(),
        "by_theme": data.progression_by_theme(),
        "awaiting": awaiting,
        "payments_due_total": payments["total"] or Decimal("0"),
        "payments_due_count": payments["count"],
        "overdue_returns": overdue_returns,
    }
