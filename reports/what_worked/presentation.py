"""What the page and the PDF chapter draw from a `WhatWorked`: the same categories and series for
Chart.js (on the page) and the inline SVG charts (in the PDF). A withheld figure is None, which
both draw as the word "suppressed", never as nought."""

from core.money import pounds

from . import CBA_ROWS, WhatWorked
from .measures import MEASURES

DEFAULT_DIMENSION = "organisation_group"


def _value(cell):
    return None if cell.suppressed or cell.value is None else float(cell.value)


# Short group names for the PDF's legends, which do not wrap.
SHORT_GROUPS = {"all": "All", "community": "VCS or parish", "public": "LA or other public"}


def measure_chart(table: dict, unit: str, *, short: bool = False) -> dict:
    """One bar per group for each measure of `unit` ("mean" or "percent")."""
    rows = [r for s in table["sections"] for r in s["rows"] if r["measure"].unit == unit]
    return {
        "labels": [r["measure"].label for r in rows],
        "datasets": [
            {
                "label": (
                    f"{SHORT_GROUPS.get(col['key'], col['label'])} ({col['areas']})"
                    if short
                    else f"{col['label']} ({col['areas']} areas)"
                ),
                "data": [_value(r["cells"][i]) for r in rows],
            }
            for i, col in enumerate(table["columns"])
        ],
    }


def cba_chart(result: WhatWorked) -> dict:
    rows = [(key, label) for key, label in CBA_ROWS]
    return {
        "labels": [label for _, label in rows],
        "datasets": [
            {"label": "Forecast (£)", "data": [_value(result.cba[k]["forecast"]) for k, _ in rows]},
            {"label": "Outturn (£)", "data": [_value(result.cba[k]["outturn"]) for k, _ in rows]},
        ],
    }


def factor_chart(result: WhatWorked) -> dict:
    """Obstacles and enablers across every area with a return."""
    table = result.factor_table()
    obstacles = [r for r in table["rows"] if r["kind"] == "Obstacle"]
    enablers = [r for r in table["rows"] if r["kind"] == "Enabler"]
    return {
        "labels": [r["factor"] for r in obstacles],
        "datasets": [
            {"label": "Obstacle (areas)", "data": [_value(r["cells"][0]) for r in obstacles]},
            {"label": "Enabler (areas)", "data": [_value(r["cells"][0]) for r in enablers]},
        ],
    }


def svg_series(chart: dict) -> tuple[list[str], list[tuple[str, list]]]:
    """A chart's data as `reports.charts.grouped_hbars` takes it."""
    return chart["labels"], [(d["label"], d["data"]) for d in chart["datasets"]]


def has_measure(unit: str) -> bool:
    return any(m.unit == unit for m in MEASURES)


def figure_text(cell, unit: str) -> str:
    """A figure as the page and the PDF print it: a dash when there is nothing to compare (no
    area in the group, or no value), "suppressed" for a group of one to four areas, otherwise the
    value in its unit."""
    if cell.n == 0:
        return "—"
    if cell.suppressed:
        return "suppressed"
    if cell.value is None:
        return "—"
    if unit == "percent":
        return f"{cell.value}%"
    if unit == "pounds":
        return pounds(cell.value)
    if unit == "days":
        return f"{cell.value:,} days"
    return f"{cell.value:,}"


def printed(table: dict) -> dict:
    """The measures table with each cell as {text, n, suppressed}."""
    for section in table["sections"]:
        for row in section["rows"]:
            unit = row["measure"].unit
            row["printed"] = [
                {"text": figure_text(c, unit), "n": c.n, "suppressed": c.suppressed}
                for c in row["cells"]
            ]
    return table


def printed_cba(rows: list[dict]) -> list[dict]:
    from . import CBA_MEASURES

    for row in rows:
        row["printed"] = [
            figure_text(c, unit) for c, (_, _, unit) in zip(row["cells"], CBA_MEASURES, strict=True)
        ]
        row["suppressed"] = row["cells"][0].suppressed
    return rows


def printed_factors(table: dict) -> dict:
    for row in table["rows"]:
        row["printed"] = [
            {"text": figure_text(c, "areas"), "n": c.n, "suppressed": c.suppressed}
            for c in row["cells"]
        ]
    return table
