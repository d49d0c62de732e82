"""The What worked page of a round and its downloads: the figures as CSV and XLSX, the open-data
CSV and its data dictionary. For the people who see the programme dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.errors import require
from core.spreadsheets import csv_lines, xlsx_file

from .. import selectors
from ..permissions import can_view_what_worked
from . import CBA_MEASURES, DIMENSIONS, MIN_GROUP, dictionary_rows, open_data_rows, what_worked
from .presentation import (
    DEFAULT_DIMENSION,
    cba_chart,
    factor_chart,
    measure_chart,
    printed,
    printed_cba,
    printed_factors,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(request, slug):
    require(can_view_what_worked(request.user))
    round_ = selectors.round_by_slug(slug)
    if round_ is None:
        raise Http404("No such round.")
    return round_


def _name(round_, stem, ext):
    return f"ourplace-{round_.slug}-{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


def _csv(rows, filename):
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def what_worked_page(request, slug):
    """The round's learning: measures by group (one dimension at a time), the CBA comparison and
    the obstacles and enablers, every figure with its n."""
    round_ = _round(request, slug)
    dimensions = [(d.key, d.label) for d in DIMENSIONS if d.key != "all"]
    dimension = request.GET.get("by") or DEFAULT_DIMENSION
    if dimension not in dict(dimensions):
        dimension = DEFAULT_DIMENSION
    result = what_worked(round_)
    table = printed(result.table(dimension))
    return render(
        request,
        "reports/what_worked.html",
        {
            "round": round_,
            "rounds": selectors.dashboard_rounds(),
            "w": result,
            "table": table,
            "dimensions": dimensions,
            "dimension": dimension,
            "cba_table": printed_cba(result.cba_table()),
            "cba_measures": CBA_MEASURES,
            "factor_table": printed_factors(result.factor_table()),
            "min_group": MIN_GROUP,
            "charts": {
                "support": measure_chart(table, "mean"),
                "percent": measure_chart(table, "percent"),
                "cba": cba_chart(result),
                "factors": factor_chart(result),
            },
        },
    )


@login_required
def what_worked_csv(request, slug):
    round_ = _round(request, slug)
    return _csv(what_worked(round_).rows(), _name(round_, "what-worked", "csv"))


@login_required
def what_worked_xlsx(request, slug):
    round_ = _round(request, slug)
    return FileResponse(
        xlsx_file(what_worked(round_).rows(), title="What worked"),
        as_attachment=True,
        filename=_name(round_, "what-worked", "xlsx"),
        content_type=XLSX,
    )


@login_required
def what_worked_open_data(request, slug):
    round_ = _round(request, slug)
    return _csv(open_data_rows(what_worked(round_)), _name(round_, "what-worked-open-data", "csv"))


@login_required
def what_worked_dictionary(request, slug):
    round_ = _round(request, slug)
    return _csv(dictionary_rows(), _name(round_, "what-worked-data-dictionary", "csv"))
