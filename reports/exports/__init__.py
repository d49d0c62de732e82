"""Data leaving the app as files: the areas list and the other list pages' datasets as CSV or XLSX,
and the awards in the 360Giving Data Standard.

    writers.py           CSV lines (streamed) and XLSX files: the two formats every export uses
    areas.py             the areas list, filtered as the list page is
    datasets.py          applications, payments, the support log and progress returns
    threesixtygiving.py  awards as a 360Giving CSV or JSON package
    views.py             the download views (``reports:export_*`` URLs)
"""

from .areas import AREA_COLUMNS, AREA_FIELDS, area_rows, filtered_areas
from .writers import csv_lines, xlsx_file

__all__ = ["AREA_COLUMNS", "AREA_FIELDS", "area_rows", "csv_lines", "filtered_areas", "xlsx_file"]
