"""The programme report's What worked chapter: the round's measures by each group of areas, the
CBA forecast against outturn by benefit type, and the obstacles and enablers by group and stage,
every figure with its n and withheld under five (``reports.what_worked``)."""

from .. import charts
from ..what_worked import CBA_MEASURES, DIMENSIONS, MIN_GROUP, what_worked
from ..what_worked.presentation import (
    DEFAULT_DIMENSION,
    cba_chart,
    factor_chart,
    measure_chart,
    printed,
    printed_cba,
    printed_factors,
    svg_series,
)
from .base import ReportContext


def programme_what_worked(ctx: ReportContext) -> dict | None:
    result = what_worked(ctx.round, as_at=ctx.report_date)
    if not result.areas:
        return None
    tables = [printed(result.table(d.key)) for d in DIMENSIONS if d.key != "all"]
    main = next(t for t in tables if t["dimension"] == DEFAULT_DIMENSION)

    def hbars(chart, title):
        return charts.grouped_hbars(*svg_series(chart), title=title, label_width=230)

    return {
        "w": result,
        "tables": tables,
        "min_group": MIN_GROUP,
        "cba_table": printed_cba(result.cba_table()),
        "cba_measures": CBA_MEASURES,
        "factor_table": printed_factors(result.factor_table()),
        "support_chart": hbars(
            measure_chart(main, "mean", short=True),
            "Support received by lead organisation type group",
        ),
        "percent_chart": hbars(
            measure_chart(main, "percent", short=True),
            "Progress and results by lead organisation type group",
        ),
        "cba_chart": hbars(cba_chart(result), "CBA forecast and outturn by benefit type"),
        "factor_chart": hbars(factor_chart(result), "Obstacles and enablers, all areas")
        if result.has_returns
        else None,
    }
