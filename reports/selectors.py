"""Reads for the reports pages."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts import permissions as perms
from delivery import selectors as delivery_selectors
from grants import selectors as grant_selectors
from grants.budgets.selectors import round_budget
from plans import selectors as plan_selectors
from programmes.models import Area, AreaStage, Round
from programmes.permissions import areas_visible_to
from support.permissions import current_area_ids

from . import drop_out, freshness, metrics, permissions
from .models import Audience, ImportJob, ReportJob, ReportKind


def _jobs() -> QuerySet[ReportJob]:
    return ReportJob.objects.select_related(
        "area", "area__lead_organisation", "round", "requested_by"
    )


def jobs_visible_to(*, user) -> QuerySet[ReportJob]:
    """The jobs `permissions.can_view_job` lets the user see, as one query: everything for
    programme managers, funder officers and admins; for other staff, the lead organisations'
    edition of any area's report and the staff edition of the areas they look after; for a lead
    organisation user, their own areas' lead-organisation edition."""
    qs = _jobs()
    if permissions.can_use_reports_page(user):
        return qs
    if perms.is_programme_staff(user):
        area_reports = qs.filter(kind=ReportKind.AREA_PROGRESS)
        return area_reports.filter(
            Q(audience=Audience.AREA) | Q(area_id__in=current_area_ids(user))
        )
    if perms.is_lead_organisation_user(user):
        return qs.filter(
            kind=ReportKind.AREA_PROGRESS,
            audience=Audience.AREA,
            area__in=areas_visible_to(user),
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


# --- Imports ------------------------------------------------------------------------------------


def recent_imports(limit: int = 20) -> list[ImportJob]:
    """The latest uploads, newest first, with who uploaded them and the round they went into.
    A failed job's problems are not read: the list shows their count."""
    return list(
        ImportJob.objects.select_related("requested_by", "round").defer("problems", "summary")[
            :limit
        ]
    )


def import_job(pk: int) -> ImportJob | None:
    return ImportJob.objects.select_related("requested_by", "round").filter(pk=pk).first()


# --- Rounds and areas by their names --------------------------------------------------------------


def round_by_slug(slug: str) -> Round | None:
    return Round.objects.filter(slug=slug).first()


def area_by_reference(reference: str) -> Area | None:
    return Area.objects.filter(reference=reference).first()


def round_choices() -> list[tuple[str, str]]:
    """(slug, name) of every round, latest first, for the imports page's suggestions."""
    return list(Round.objects.order_by("-starts_on").values_list("slug", "name"))


# --- Programme dashboard ------------------------------------------------------------------------


def dashboard_round(slug: str | None = None) -> Round | None:
    """The round named by `slug`; without one, the live round (the latest to start), else the
    latest round."""
    rounds = Round.objects.order_by("-starts_on", "-pk")
    if slug:
        return rounds.select_related("programme").filter(slug=slug).first()
    return rounds.filter(status=Round.Status.LIVE).first() or rounds.first()


def dashboard_rounds() -> list[Round]:
    """Every round for the picker, latest first, each with the data version (`freshness`) read
    in the same query, for the dashboard's cached figures."""
    return list(
        Round.objects.select_related("programme")
        .annotate(data_version=freshness.data_version_subquery())
        .order_by("-starts_on", "name")
    )


def dashboard_round_among(rounds: list[Round], slug: str) -> Round | None:
    """The round named by `slug` in the picker's list (`dashboard_rounds`), so the page reads the
    rounds once."""
    return next((r for r in rounds if r.slug == slug), None)


# The dashboard lists the longest-waiting plans only; the review queue pages through them all.
DASHBOARD_AWAITING_LIMIT = 10


def dashboard(*, round: Round, today=None) -> dict:
    """Everything the dashboard shows for one round. The figures are counted once per data
    version and day (`reports.freshness`; the round's `data_version`, when `dashboard_rounds`
    read it, saves a query): on a hit, no query; counting them takes nine whatever the number
    of areas (`_dashboard_figures`)."""
    today = today or timezone.localdate()
    figures = freshness.cached(
        f"dashboard:{round.pk}:{today.isoformat()}",
        lambda: _dashboard_figures(round, today),
        version=getattr(round, "data_version", None),
    )
    return {**figures, "round": round}


def _dashboard_figures(round: Round, today) -> dict:
    """One for drop-out (`reports.drop_out`), whose first step also counts the applications, two
    for the funnel, progression and stage counts (`reports.metrics`), one for plans awaiting
    sign-off (the longest-waiting few and, by a window, their count), one for payments due, one
    for overdue returns and three for the budget by financial year (`grants.budgets`)."""
    dropped = drop_out.drop_out(round, as_at=today)
    # The drop-out's admission step is every submitted application, by outcome: the same count.
    data = metrics.round_metrics(round, applications=dropped.applications)
    by_stage = data.by_stage
    awaiting, awaiting_count = plan_selectors.plans_awaiting_sign_off_first(
        round=round, today=today, limit=DASHBOARD_AWAITING_LIMIT
    )
    payments = (
        grant_selectors.payable_now()
        .filter(award__area__round=round)
        .order_by()
        .aggregate(total=Sum("amount"), count=Count("id"))
    )
    overdue_returns = delivery_selectors.overdue_return_count(round=round, today=today)
    funnel = data.funnel()
    return {
        "stages": [
            {"value": value, "label": label, "count": by_stage.get(value, 0)}
            for value, label in AreaStage.choices
        ],
        "total_areas": sum(by_stage.values()),
        "funnel": funnel,
        "funnel_flags": data.funnel_flags(),
        "funnel_chart": {
            "labels": [s["label"] for s in funnel],
            "counts": [s["count"] for s in funnel],
        },
        "drop_out": dropped,
        "by_org_type": data.progression_by_org_type(),
        "by_theme": data.progression_by_theme(),
        "awaiting": awaiting,
        "awaiting_count": awaiting_count,
        "payments_due_total": payments["total"] or Decimal("0"),
        "payments_due_count": payments["count"],
        "overdue_returns": overdue_returns,
        "budget": round_budget(round),
    }
