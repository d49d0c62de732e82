"""Writing rows (lists of cell values, the header first) as CSV, streamed line by line, or as XLSX
through openpyxl's write-only mode into a temporary file. Every export goes through these two
(reports' datasets and surveys' answers alike, so they live in core), so the formats are the same
everywhere, and so is the defence against formula injection.

Formula injection (OWASP, "CSV Injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read as a formula by Excel and LibreOffice. Anyone can register an
organisation named ``=HYPERLINK(...)``, so every text value is neutralised here: in CSV it gets a
leading single quote, in XLSX it is written as an explicit string cell (openpyxl would otherwise
store a value starting with ``=`` as a formula). Numbers stay numbers: money is passed as a
``Decimal`` (written as a numeric cell with a pound format in XLSX), dates as dates.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def chunks(iterable, size):
    """Lists of up to `size` items from `iterable`, in order."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value):
    """A cell for CSV: text that a spreadsheet would run as a formula gets a leading quote;
    numbers (money as Decimal, with its two places) and dates are written as they are."""
    if is_formula_like(value):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel opens the file as UTF-8
    for row in rows:
        yield writer.writerow([csv_value(v) for v in row])


def xlsx_cell(ws, value) -> WriteOnlyCell:
    """One typed cell: Decimal money with a pound format, dates as dates, every text as an explicit
    string (data_type "s"), never a formula."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws)
        # Assigned after construction: the constructor would guess the type and make "=..." a
        # formula.
        cell._value = cell.check_string(value)
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_file(rows: Iterable[list], *, title: str = "Areas"):
    """Write the rows to a temporary XLSX file and return it, rewound. The file deletes itself when
    closed (FileResponse closes it after sending)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title)
    rows = iter(rows)
    header = next(rows, [])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = xlsx_cell(ws, name)
        cell.font = bold
        cells.append(cell)
    ws.freeze_panes = "A2"
    ws.append(cells)
    for row in rows:
        ws.append([xlsx_cell(ws, value) for value in row])
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    wb.save(tmp)
    tmp.seek(0)
    return tmp
