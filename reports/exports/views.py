"""Downloads: the areas list, the other list pages' datasets and the 360Giving awards, for the
people who may export (programme managers and admins)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from core.errors import require
from core.spreadsheets import csv_lines, xlsx_file

from .. import selectors
from ..permissions import can_export
from . import threesixtygiving
from .areas import area_rows, filtered_areas
from .datasets import DATASETS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dated(stem: str, ext: str) -> str:
    return f"ourplace-{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(rows, filename: str, **options) -> FileResponse:
    return FileResponse(
        xlsx_file(rows, **options), as_attachment=True, filename=filename, content_type=XLSX
    )


@login_required
def export_areas_csv(request):
    require(can_export(request.user))
    areas = filtered_areas(user=request.user, params=request.GET)
    return _csv_response(area_rows(areas), _dated("areas", "csv"))


@login_required
def export_areas_xlsx(request):
    require(can_export(request.user))
    areas = filtered_areas(user=request.user, params=request.GET)
    return _xlsx_response(area_rows(areas), _dated("areas", "xlsx"))


def _round_from(request):
    slug = request.GET.get("round")
    if not slug:
        return None
    round_ = selectors.round_by_slug(slug)
    if round_ is None:
        raise Http404("No such round.")
    return round_


@login_required
def export_360giving_csv(request):
    """Awards in the 360Giving standard's spreadsheet columns, streamed."""
    require(can_export(request.user))
    rows = threesixtygiving.csv_rows(round=_round_from(request))
    return _csv_response(rows, _dated("360giving", "csv"))


@login_required
def export_360giving_json(request):
    """Awards as a 360Giving JSON package ({"grants": [...]}), streamed grant by grant."""
    require(can_export(request.user))
    chunks = threesixtygiving.json_chunks(round=_round_from(request))
    response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_dated("360giving", "json")}"'
    return response


def _dataset(name):
    dataset = DATASETS.get(name)
    if dataset is None:
        raise Http404("No such export.")
    return dataset


@login_required
def export_dataset_csv(request, dataset):
    """Applications, payments, the support log or progress returns as CSV, streamed row by row.
    The list page's query string filters it the same way."""
    require(can_export(request.user))
    data = _dataset(dataset)
    rows = data.rows(user=request.user, params=request.GET)
    return _csv_response(rows, _dated(data.slug, "csv"))


@login_required
def export_dataset_xlsx(request, dataset):
    require(can_export(request.user))
    data = _dataset(dataset)
    rows = data.rows(user=request.user, params=request.GET)
    return _xlsx_response(rows, _dated(data.slug, "xlsx"), title=data.title)
