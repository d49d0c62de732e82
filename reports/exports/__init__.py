"""Data leaving the app as files: the areas list and the other list pages' datasets as CSV or XLSX,
and the awards in the 360Giving Data Standard. Every file is written by ``core.spreadsheets``
(CSV lines, streamed, and XLSX files: the two formats every export uses, surveys' too).

    areas.py             the areas list, filtered as the list page is
    datasets.py          applications, payments, the support log and progress returns
    threesixtygiving.py  awards as a 360Giving CSV or JSON package
    views.py             the download views (``reports:export_*`` URLs)
"""

from core.spreadsheets import csv_lines, xlsx_file

from .areas import AREA_COLUMNS, AREA_FIELDS, area_rows, filtered_areas

__all__ = ["AREA_COLUMNS", "AREA_FIELDS", "area_rows", "csv_lines", "filtered_areas", "xlsx_file"]
