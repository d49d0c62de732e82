"""The programme report's sections: where a round's areas are, the funnel and progression (from
`reports.metrics`), time to sign-off, funding, implementation and the timetable. Each reads
through the owning app's selectors."""

from collections import Counter
from decimal import Decimal
from statistics import median

from django.utils import timezone

from delivery import selectors as delivery_selectors
from delivery.models import ProgressStatus
from plans import selectors as plan_selectors
from programmes import selectors as programme_selectors
from programmes.models import AREA_STAGE_ORDER, AreaStage, AreaStatus, OrganisationType

from .. import charts, drop_out, metrics, survival
from .base import FUNDING_SHORT, ReportContext

ORG_TYPE_SHORT = {
    OrganisationType.VCS: "VCS",
    OrganisationType.LOCAL_AUTHORITY: "Local authority",
    OrganisationType.OTHER_PUBLIC: "Other public",
    OrganisationType.PARISH_COUNCIL: "Parish/town",
}


def _round_counts(ctx: ReportContext) -> list[dict]:
    return ctx.cached(
        "round_counts", lambda: programme_selectors.round_area_counts(round=ctx.round)
    )


def _metrics(ctx: ReportContext) -> metrics.RoundMetrics:
    return ctx.cached("metrics", lambda: metrics.round_metrics(ctx.round))


def programme_summary(ctx: ReportContext) -> dict:
    by_stage = Counter()
    by_status = Counter()
    for row in _round_counts(ctx):
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
    grid = Counter()
    for row in _round_counts(ctx):
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


def programme_funnel(ctx: ReportContext) -> dict:
    """The funnel from `reports.metrics` (the numbers of `report funnel` and the dashboard)."""
    steps = _metrics(ctx).funnel()
    flags = _metrics(ctx).funnel_flags()
    first = steps[0]["count"] if steps else 0
    for step in steps:
        step["share_pct"] = metrics.percent(step["count"], first)
    return {
        "steps": steps,
        "flags": flags,
        "chart": charts.funnel(
            [(s["label"], s["count"]) for s in steps], title="Funnel: applications to sign-off"
        )
        if first
        else None,
    }


def programme_drop_out(ctx: ReportContext) -> dict:
    """Of those who reached each step: moved on, still in progress (how long so far), left."""
    result = ctx.cached("drop_out", lambda: drop_out.drop_out(ctx.round, as_at=ctx.report_date))
    return {
        "drop_out": result,
        "chart": charts.stacked_hbars(
            [
                (f"{s.from_label} → {s.to_label}", [s.moved_on, s.in_progress, s.left])
                for s in result.steps
            ],
            ["Moved on", "Still in progress", "Left"],
            title="Outcome of each step",
        )
        if any(s.total for s in result.steps)
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


def _sign_off_band(days: int) -> str:
    return next(label for limit, label in SIGN_OFF_BANDS if limit is None or days <= limit)


def _days_between(start, end) -> int:
    return (timezone.localdate(end) - timezone.localdate(start)).days


def programme_sign_off_time(ctx: ReportContext) -> dict | None:
    """The sign-off times (`_sign_off_time`), once per report: the summary reads them too."""
    return ctx.cached("sign_off", lambda: _sign_off_time(ctx))


def _sign_off_time(ctx: ReportContext) -> dict | None:
    """Days from final submission to sign-off, counting the plans still waiting: signed-off plans
    are events, open plans are censored at their days so far (Kaplan-Meier median, or "not yet
    reached"), and the open ones are reported with the longest wait."""
    signed = plan_selectors.signed_off_plans_in_round(round=ctx.round)
    open_plans = plan_selectors.open_final_plans_in_round(round=ctx.round)
    if not signed and not open_plans:
        return None
    as_at = ctx.report_date
    days = [_days_between(p.final_submitted_at, p.decided_at) for p in signed]
    waiting = [max((as_at - timezone.localdate(p.final_submitted_at)).days, 0) for p in open_plans]
    target = ctx.round.review_target_days
    durations = [survival.Duration(n, True) for n in days]
    durations += [survival.Duration(n, False) for n in waiting]
    bands = Counter(_sign_off_band(n) for n in days)
    waiting_bands = Counter(_sign_off_band(n) for n in waiting)
    longest = max(range(len(days)), key=lambda i: (days[i], -i)) if days else None
    return {
        "as_at": as_at,
        "count": len(days),
        "signed_median": median(days) if days else None,
        "km_median": survival.km_median(durations),
        "longest": days[longest] if days else None,
        "longest_area": signed[longest].area if days else None,
        "target": target,
        "within_target": sum(1 for n in days if n <= target),
        "open_count": len(waiting),
        "open_longest": max(waiting, default=None),
        "open_over_target": sum(1 for n in waiting if n > target),
        # The longest-waiting first (plans come oldest submission first).
        "open_plans": list(zip(open_plans, waiting, strict=True))[:10],
        "chart": charts.grouped_hbars(
            [label for _, label in SIGN_OFF_BANDS],
            [
                ("Signed off: days taken", [bands.get(label, 0) for _, label in SIGN_OFF_BANDS]),
                (
                    "Still waiting: days so far",
                    [waiting_bands.get(label, 0) for _, label in SIGN_OFF_BANDS],
                ),
            ],
            title="Plans by time from final submission to sign-off, or waited so far",
        ),
    }


def programme_funding(ctx: ReportContext) -> dict | None:
    """Planned (plans' resourcing lines) against secured (delivery funding records) by source,
    across the round, with the same comparison the area funding page uses."""
    comparison = delivery_selectors.round_funding_planned_vs_secured(ctx.round)
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
    implementing = programme_selectors.area_ids_in_stages(
        round=ctx.round, stages=[AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN]
    )
    if not implementing:
        return None
    latest = delivery_selectors.latest_progress_statuses(round=ctx.round)
    counts = Counter(latest.get(pk) or "none" for pk in implementing)
    rows = [(label, counts.get(value, 0)) for value, label in ProgressStatus.choices]
    rows.append(("No return yet", counts.get("none", 0)))
    return {
        "rows": rows,
        "total": len(implementing),
        "chart": charts.hbar_chart(rows, title="Implementing areas by latest progress return"),
    }
