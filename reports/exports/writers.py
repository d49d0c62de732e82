"""Writing rows (lists of cell values, the header first) as CSV, streamed line by line, or as XLSX
through openpyxl's write-only mode into a temporary file. Every export goes through these two, so
the formats are the same everywhere."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


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


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel opens the file as UTF-8
    for row in rows:
        yield writer.writerow(row)


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
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        cells.append(cell)
    ws.freeze_panes = "A2"
    ws.append(cells)
    for row in rows:
        ws.append(row)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    wb.save(tmp)
    tmp.seek(0)
    return tmp
