"""What goes into each report, section by section.

A report kind is a title plus an ordered list of `Section`s. Each section has a template under
``reports/pdf/sections/`` and a `build(context)` function that returns the data that template needs,
or ``None`` when the section has nothing to say (for example before the grants app has data). To add
a section: write the function and the template, and append a `Section` to the kind's list. The
rendering (`reports.rendering`) reports progress section by section, so a slow section shows on the
job page.

Sections drawn from apps that may not be installed yet import inside the function and skip
themselves when the import fails.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone

from programmes.models import (
    AREA_STAGE_ORDER,
    Area,
    AreaStage,
    AreaStatus,
    AreaTheme,
    OrganisationType,
    Partner,
    Round,
)

from . import charts
from .models import Audience, ReportKind


@dataclass
class ReportContext:
    """The subject of one report and who it is for."""

    kind: str
    area: Area | None = None
    round: Round | None = None
    audience: str = Audience.STAFF
    report_date: date = field(default_factory=timezone.localdate)

    @property
    def for_staff(self) -> bool:
        return self.audience == Audience.STAFF


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[ReportContext], dict | None]

    @property
    def template(self) -> str:
        return f"reports/pdf/sections/{self.key}.html"


# --- Area progress report -------------------------------------------------------------------------


def _area(ctx: ReportContext) -> Area:
    """The area with everything the sections read, loaded once per report."""
    if getattr(ctx, "_loaded_area", None) is None:
        ctx._loaded_area = (
            Area.objects.select_related("lead_organisation", "round", "round__programme")
            .prefetch_related(
                Prefetch(
                    "area_themes",
                    queryset=AreaTheme.objects.select_related("theme").order_by("position"),
                ),
                Prefetch(
                    "partners",
                    queryset=Partner.objects.select_related("organisation").order_by(
                        "organisation__name"
                    ),
                ),
            )
            .get(pk=ctx.area.pk)
        )
    return ctx._loaded_area


def area_overview(ctx: ReportContext) -> dict:
    area = _area(ctx)
    from accounts.models import AreaAssignment

    current = (
        AreaAssignment.objects.filter(area=area, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    return {
        "area": area,
        "themes": [at.theme.name for at in area.area_themes.all()],
        "relationship_manager": current.user if current else None,
        "days_in_programme": (ctx.report_date - area.joined_on).days,
    }


def area_organisations(ctx: ReportContext) -> dict:
    area = _area(ctx)
    partners = list(area.partners.all())
    by_type = Counter(p.get_partner_type_display() for p in partners)
    return {
        "lead": area.lead_organisation,
        "partners": partners,
        "signed": sum(1 for p in partners if p.agreement_signed_on),
        "chart": charts.hbar_chart(
            sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
            title="Partners by type",
        )
        if partners
        else None,
    }


def area_stage_history(ctx: ReportContext) -> dict:
    """Stage moves from the audit trail, oldest first, beside the round's milestones."""
    from activity.models import ActivityEntry, Visibility

    area = _area(ctx)
    moves = ActivityEntry.objects.filter(area=area, verb="area.moved").select_related("actor")
    if not ctx.for_staff:
        moves = moves.filter(visibility=Visibility.AREA)
    milestones = list(area.round.milestones.all())
    reached = AREA_STAGE_ORDER.index(area.stage) if area.stage in AREA_STAGE_ORDER else 0
    return {
        "moves": list(moves.order_by("occurred_at", "id")),
        "milestones": milestones,
        "today": ctx.report_date,
        "stages": [
            {"label": label, "reached": i <= reached, "current": value == area.stage}
            for i, (value, label) in enumerate(AreaStage.choices)
        ],
        "joined_on": area.joined_on,
    }


def area_recent_activity(ctx: ReportContext) -> dict | None:
    from activity.models import ActivityEntry, Visibility

    entries = ActivityEntry.objects.filter(area=ctx.area).select_related("actor")
    if not ctx.for_staff:
        entries = entries.filter(visibility=Visibility.AREA)
    entries = list(entries.exclude(verb="area.moved").order_by("-occurred_at", "-id")[:30])
    return {"entries": entries} if entries else None


def area_grants(ctx: ReportContext) -> dict | None:
    """Awards with their payments, and the awarded / paid / held back / still to pay totals."""
    try:
        from grants.models import Award, Payment
        from grants.selectors import totals_for_awards
    except ImportError:
        return None
    awards = list(
        Award.objects.filter(area=ctx.area)
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("id")))
        .order_by("awarded_on", "id")
    )
    if not awards:
        return None
    totals = totals_for_awards(awards)
    return {
        "awards": awards,
        "totals": totals,
        "chart": charts.hbar_chart(
            [
                ("Awarded", float(totals.awarded)),
                ("Paid", float(totals.paid)),
                ("Held back", float(totals.held)),
                ("Still to pay", float(totals.to_pay)),
            ],
            title="Grant money (£)",
            money=True,
        ),
    }


def area_support(ctx: ReportContext) -> dict | None:
    """Adviser days for everyone; contacts, open risks and follow-ups only in the staff edition."""
    try:
        from support.models import FollowUp
        from support.selectors import area_adviser_days, area_contacts, open_risks_filter
    except ImportError:
        return None
    days = area_adviser_days(area=ctx.area)
    data = {"days": days, "for_staff": ctx.for_staff}
    if ctx.for_staff:
        contacts = area_contacts(area=ctx.area)
        data["contacts"] = list(contacts[:12])
        data["open_risks"] = list(contacts.filter(open_risks_filter()))
        data["open_followups"] = list(
            FollowUp.objects.filter(area=ctx.area, done_at__isnull=True)
            .select_related("owner")
            .order_by("due_on")
        )
    if not days["entitlements"] and not days["bookings"] and not data.get("contacts"):
        return None
    return data


def area_plan(ctx: ReportContext) -> dict | None:
    """The operational plan's status and sign-offs, and the logic model table."""
    try:
        from plans.selectors import logic_model_rows, plan_for_area, sign_off_state
    except ImportError:
        return None
    plan = plan_for_area(ctx.area)
    rows = logic_model_rows(ctx.area)
    if plan is None and not rows:
        return None
    return {
        "plan": plan,
        "sign_offs": sign_off_state(plan) if plan else [],
        "logic_model": rows,
    }


def area_cba(ctx: ReportContext) -> dict | None:
    """The cost benefit analysis's summary, and its outturn where any has been recorded."""
    try:
        from delivery.selectors import area_cba as cba_for
        from delivery.selectors import cba_forecast_vs_outturn
        from plans.services import cba_calculate
    except ImportError:
        return None
    cba = cba_for(ctx.area)
    if cba is None:
        return None
    comparison = cba_forecast_vs_outturn(ctx.area, cba)
    return {
        "result": cba_calculate(cba),
        "comparison": comparison if comparison and comparison.lines_with_outturn else None,
    }


def area_delivery(ctx: ReportContext) -> dict | None:
    """The latest progress return and funding planned against secured, with a chart."""
    try:
        from delivery.selectors import funding_planned_vs_secured, latest_return
    except ImportError:
        return None
    latest = latest_return(area=ctx.area)
    funding = funding_planned_vs_secured(ctx.area)
    if latest is None and funding.is_empty:
        return None
    chart = None
    if not funding.is_empty:
        chart = charts.grouped_hbars(
            [FUNDING_SHORT.get(row.source, row.source) for row in funding.sources],
            [
                ("Planned (£)", [float(row.planned) for row in funding.sources]),
                ("Secured (£)", [float(row.secured) for row in funding.sources]),
            ],
            title="Funding planned and secured by source",
        )
    return {
        "latest": latest,
        "factors": list(latest.factors.all()) if latest else [],
        "funding": funding,
        "chart": chart,
    }


# --- Programme report -----------------------------------------------------------------------------

ORG_TYPE_SHORT = {
    OrganisationType.VCS: "VCS",
    OrganisationType.LOCAL_AUTHORITY: "Local authority",
    OrganisationType.OTHER_PUBLIC: "Other public",
    OrganisationType.PARISH_COUNCIL: "Parish/town",
}


def _round_counts(ctx: ReportContext) -> dict:
    if getattr(ctx, "_round_counts", None) is None:
        rows = (
            Area.objects.filter(round=ctx.round)
            .values("stage", "status", "lead_organisation__org_type")
            .annotate(n=Count("id"))
        )
        ctx._round_counts = list(rows)
    return ctx._round_counts


def programme_summary(ctx: ReportContext) -> dict:
    rows = _round_counts(ctx)
    by_stage = Counter()
    by_status = Counter()
    for row in rows:
        by_stage[row["stage"]] += row["n"]
        by_status[row["status"]] += row["n"]
    total = sum(by_stage.values())
    stages = [(label, by_stage.get(value, 0)) for value, label in AreaStage.choices]
    return {
        "round": ctx.round,
        "total": total,
        "stages": [
            {"label": label, "n": n, "share": (100 * n / total) if total else 0}
            for label, n in stages
        ],
        "statuses": [
            {"label": label, "n": by_status.get(value, 0)} for value, label in AreaStatus.choices
        ],
        "stage_chart": charts.hbar_chart(stages, title="Areas by current stage"),
        # The funnel has its own section (from reports.metrics), so the summary has none.
        "funnel": None,
    }


def programme_org_types(ctx: ReportContext) -> dict:
    rows = _round_counts(ctx)
    grid = Counter()
    for row in rows:
        grid[(row["lead_organisation__org_type"], row["stage"])] += row["n"]
    types = list(OrganisationType)
    table = []
    for org_type in types:
        counts = [grid.get((org_type.value, stage), 0) for stage in AREA_STAGE_ORDER]
        table.append({"label": org_type.label, "counts": counts, "total": sum(counts)})
    return {
        "stage_labels": [label for _, label in AreaStage.choices],
        "rows": table,
        "column_totals": [sum(r["counts"][i] for r in table) for i in range(len(AREA_STAGE_ORDER))],
        "grand_total": sum(r["total"] for r in table),
        "chart": charts.grouped_bars(
            [ORG_TYPE_SHORT[t] for t in types],
            [
                (label, [grid.get((t.value, stage), 0) for t in types])
                for stage, label in AreaStage.choices
            ],
            title="Areas by lead organisation type and stage",
        ),
    }


def programme_timetable(ctx: ReportContext) -> dict | None:
    milestones = list(ctx.round.milestones.all())
    stage_definitions = list(ctx.round.stage_definitions.all())
    if not milestones and not stage_definitions:
        return None
    return {
        "milestones": milestones,
        "stage_definitions": stage_definitions,
        "today": ctx.report_date,
        "zero": Decimal("0"),
    }


# --- Programme report: funnel, progression, sign-off time, funding, implementation -----------------


def _metrics(ctx: ReportContext):
    if getattr(ctx, "_metrics", None) is None:
        from . import metrics

        ctx._metrics = metrics.round_metrics(ctx.round)
    return ctx._metrics


def programme_funnel(ctx: ReportContext) -> dict:
    """The funnel from `reports.metrics` (the numbers of `report funnel` and the dashboard)."""
    from .metrics import percent

    steps = _metrics(ctx).funnel()
    first = steps[0]["count"] if steps else 0
    for step in steps:
        step["share_pct"] = percent(step["count"], first)
    return {
        "steps": steps,
        "chart": charts.funnel(
            [(s["label"], s["count"]) for s in steps], title="Funnel: applications to sign-off"
        )
        if first
        else None,
    }


def programme_drop_out(ctx: ReportContext) -> dict:
    rows = _metrics(ctx).drop_out()
    return {
        "rows": rows,
        "chart": charts.hbar_chart(
            [(f"{r['from']} → {r['to']}", r["lost"]) for r in rows],
            title="Lost between steps",
            label_width=300,
            colour=charts.PALETTE[5],
        )
        if any(r["lost"] for r in rows)
        else None,
    }


def _progression_series(body):
    return [
        ("Admitted", [r["admitted"] for r in body]),
        ("Final plan submitted", [r["plan_submitted"] for r in body]),
        ("Plan signed off", [r["plan_signed_off"] for r in body]),
    ]


def programme_progression(ctx: ReportContext) -> dict:
    rows = _metrics(ctx).progression_by_org_type()
    short = {t.label: ORG_TYPE_SHORT[t] for t in OrganisationType}
    return {
        "rows": rows,
        "key": "organisation_type",
        "heading": "Lead organisation type",
        "chart": charts.grouped_bars(
            [short.get(r["organisation_type"]) for r in rows[:-1]],
            _progression_series(rows[:-1]),
            title="Progression by lead organisation type",
        ),
    }


def programme_themes(ctx: ReportContext) -> dict | None:
    rows = _metrics(ctx).progression_by_theme()
    if len(rows) <= 1:
        return None
    return {
        "rows": rows,
        "key": "theme",
        "heading": "Theme",
        # Theme names are long: horizontal bars keep them readable.
        "chart": charts.grouped_hbars(
            [r["theme"] for r in rows[:-1]],
            _progression_series(rows[:-1]),
            title="Progression by theme",
        ),
    }


SIGN_OFF_BANDS = [
    (28, "Up to 4 weeks"),
    (56, "4 to 8 weeks"),
    (84, "8 to 12 weeks"),
    (112, "12 to 16 weeks"),
    (None, "Over 16 weeks"),
]


def programme_sign_off_time(ctx: ReportContext) -> dict | None:
    """Days from final submission to sign-off, for plans signed off in the round."""
    from statistics import median

    from plans.models import OperationalPlan
    from plans.workflows import PlanStatus

    rows = list(
        OperationalPlan.objects.filter(
            area__round=ctx.round,
            status=PlanStatus.SIGNED_OFF,
            final_submitted_at__isnull=False,
            decided_at__isnull=False,
        )
        .select_related("area")
        .order_by("area__reference")
    )
    if not rows:
        return None
    days = []
    longest = None
    for plan in rows:
        d = (timezone.localdate(plan.decided_at) - timezone.localdate(plan.final_submitted_at)).days
        days.append(d)
        if longest is None or d > longest[0]:
            longest = (d, plan.area)
    bands = Counter()
    for d in days:
        for limit, label in SIGN_OFF_BANDS:
            if limit is None or d <= limit:
                bands[label] += 1
                break
    return {
        "count": len(days),
        "median": median(days),
        "longest": longest[0],
        "longest_area": longest[1],
        "target": ctx.round.review_target_days,
        "within_target": sum(1 for d in days if d <= ctx.round.review_target_days),
        "chart": charts.hbar_chart(
            [(label, bands.get(label, 0)) for _, label in SIGN_OFF_BANDS],
            title="Plans by time from final submission to sign-off",
        ),
    }


FUNDING_SHORT = {
    "la_mainstream": "LA mainstream",
    "la_other": "Other LA",
    "statutory_pooled": "Statutory pooled",
    "statutory_other": "Other statutory",
    "commissioned": "Commissioned",
    "external_grants": "External grants",
    "programme": "Programme",
    "in_kind": "In kind",
}


def programme_funding(ctx: ReportContext) -> dict | None:
    """Planned (plans' resourcing lines) against secured (delivery funding records) by source,
    across the round, with the same comparison the area funding page uses."""
    try:
        from delivery.comparisons import compare_funding
        from delivery.models import FundingRecord
        from plans.models import ResourcingLine
    except ImportError:
        return None
    planned = ResourcingLine.objects.filter(plan__area__round=ctx.round).values_list(
        "source", "year", "planned_amount"
    )
    secured = FundingRecord.objects.filter(area__round=ctx.round).values_list(
        "source", "year", "amount"
    )
    comparison = compare_funding(planned=list(planned), secured=list(secured))
    if comparison.is_empty:
        return None
    return {
        "comparison": comparison,
        "chart": charts.grouped_bars(
            [FUNDING_SHORT.get(row.source, row.source) for row in comparison.sources],
            [
                ("Planned (£)", [float(row.planned) for row in comparison.sources]),
                ("Secured (£)", [float(row.secured) for row in comparison.sources]),
            ],
            title="Funding planned and secured by source",
        ),
    }


def programme_implementation(ctx: ReportContext) -> dict | None:
    """Each implementing area's latest submitted progress return, by its progress status."""
    try:
        from delivery.models import ProgressReturn, ProgressStatus, ReturnStatus
    except ImportError:
        return None
    implementing = list(
        Area.objects.filter(
            round=ctx.round, stage__in=[AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN]
        ).values_list("pk", flat=True)
    )
    if not implementing:
        return None
    latest = {}
    for area_id, status in (
        ProgressReturn.objects.filter(area__round=ctx.round, status=ReturnStatus.SUBMITTED)
        .order_by("area_id", "-period_start")
        .values_list("area_id", "progress_status")
    ):
        latest.setdefault(area_id, status)
    counts = Counter(latest.get(pk) or "none" for pk in implementing)
    rows = [(label, counts.get(value, 0)) for value, label in ProgressStatus.choices]
    rows.append(("No return yet", counts.get("none", 0)))
    return {
        "rows": rows,
        "total": len(implementing),
        "chart": charts.hbar_chart(rows, title="Implementing areas by latest progress return"),
    }


@dataclass(frozen=True)
class ReportDefinition:
    title: str
    sections: list[Section]


REPORTS: dict[str, ReportDefinition] = {
    ReportKind.AREA_PROGRESS: ReportDefinition(
        title="Area progress report",
        sections=[
            Section("area_overview", "The area", area_overview),
            Section("area_organisations", "Lead organisation and partners", area_organisations),
            Section("area_stage_history", "Stage history", area_stage_history),
            Section("area_grants", "Grants", area_grants),
            Section("area_plan", "Operational plan and logic model", area_plan),
            Section("area_cba", "Cost benefit analysis", area_cba),
            Section("area_delivery", "Delivery: progress and funding", area_delivery),
            Section("area_support", "Support", area_support),
            Section("area_recent_activity", "Recent activity", area_recent_activity),
        ],
    ),
    ReportKind.PROGRAMME: ReportDefinition(
        title="Programme report",
        sections=[
            Section("programme_summary", "Where the areas are", programme_summary),
            Section("programme_funnel", "Funnel", programme_funnel),
            Section("programme_drop_out", "Drop-out between stages", programme_drop_out),
            Section(
                "programme_progression",
                "Progression by lead organisation type",
                programme_progression,
            ),
            Section("programme_themes", "Progression by theme", programme_themes),
            Section(
                "programme_org_types",
                "Current stage by lead organisation type",
                programme_org_types,
            ),
            Section(
                "programme_sign_off_time",
                "Time from final plan to sign-off",
                programme_sign_off_time,
            ),
            Section("programme_funding", "Funding secured by source", programme_funding),
            Section("programme_implementation", "Implementation status", programme_implementation),
            Section("programme_timetable", "Timetable and grants", programme_timetable),
        ],
    ),
}
