"""Time the area progress PDF of the largest plan the bounds in plans/bounds.py allow: a logic
model with the most rows, every cell full, and a CBA with the most lines spread to the last year.

    DATABASE_URL=sqlite:////tmp/ourplace_pdf_bounds.sqlite3 .venv/bin/python bench/pdf_bounds.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_bench .venv/bin/python \\
        bench/pdf_bounds.py --repeat 3

Uses a throwaway database (it migrates it and recreates the benchmark areas). Options override the
bounds to see how the time grows (``--rows 140 --cell 2800`` is the plan from issue 11). Prints the
median seconds of the renders.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ourplace_pdf_bounds.sqlite3")

import make_data  # noqa: E402

WORDS = [
    "residents",
    "partners",
    "council",
    "health",
    "housing",
    "volunteers",
    "outcomes",
    "services",
    "budget",
    "pooled",
    "evidence",
    "community",
    "training",
    "young",
    "people",
    "older",
    "steering",
    "group",
    "match",
    "funding",
    "baseline",
]


def text(chars: int, seed: int) -> str:
    """Prose-like text of exactly `chars` characters (words and spaces, a line break now and
    then), which lays out like what people type."""
    out, i = [], seed
    length = 0
    while length < chars:
        word = WORDS[i % len(WORDS)]
        sep = "\n" if i % 37 == 0 else " "
        out.append(word + sep)
        length += len(word) + 1
        i += 7
    return "".join(out)[:chars]


def build(*, rows: int, cell: int, cba_lines: int, last_year: int):
    """The largest plan: returns the area."""
    from plans.models import (
        BenefitLine,
        CostBenefitAnalysis,
        CostLine,
        LogicModel,
        LogicModelRow,
        OperationalPlan,
    )
    from plans.services.writing import LOGIC_MODEL_FIELDS
    from programmes.models import Area

    made = make_data.make(1)
    area = Area.objects.get(reference=made["sample"])
    OperationalPlan.objects.get_or_create(area=area)
    logic_model, _ = LogicModel.objects.get_or_create(area=area)
    LogicModelRow.objects.bulk_create(
        LogicModelRow(
            logic_model=logic_model,
            order=i,
            **{f: text(cell, i * 10 + n) for n, f in enumerate(LOGIC_MODEL_FIELDS)},
        )
        for i in range(1, rows + 1)
    )
    cba, _ = CostBenefitAnalysis.objects.get_or_create(
        area=area, defaults={"discount_rate_pct": Decimal("3.5")}
    )
    years = [i * last_year // max(cba_lines - 1, 1) for i in range(cba_lines)]
    CostLine.objects.bulk_create(
        CostLine(cba=cba, year=y, description=text(300, y), amount=Decimal("1000"), borne_by="LA")
        for y in years
    )
    BenefitLine.objects.bulk_create(
        BenefitLine(
            cba=cba,
            year=y,
            description=text(300, y + 1),
            amount=Decimal("1500"),
            benefit_type="fiscal",
            optimism_bias_pct=Decimal("20"),
        )
        for y in years
    )
    return area


def main():
    from plans import bounds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=bounds.MAX_LOGIC_MODEL_ROWS)
    # Full cells up to the logic model's total: the most text the bounds let through.
    cell = min(
        bounds.MAX_CELL_CHARS, bounds.MAX_LOGIC_MODEL_CHARS // (6 * bounds.MAX_LOGIC_MODEL_ROWS)
    )
    parser.add_argument("--cell", type=int, default=cell)
    parser.add_argument("--cba-lines", type=int, default=bounds.MAX_CBA_LINES)
    parser.add_argument("--last-year", type=int, default=bounds.MAX_CBA_YEAR)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    make_data.setup()
    from django.db import connection

    from reports.models import ReportKind
    from reports.rendering import report_pdf
    from reports.sections import ReportContext

    area = build(rows=args.rows, cell=args.cell, cba_lines=args.cba_lines, last_year=args.last_year)
    size = args.rows * 6 * args.cell
    print(
        f"Database: {connection.vendor}. Logic model {args.rows} rows x 6 cells x {args.cell:,} "
        f"characters ({size / 1e6:.2f} million characters); CBA {args.cba_lines} cost and "
        f"{args.cba_lines} benefit lines up to year {args.last_year}."
    )
    times, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        f"Area PDF render: median {statistics.median(times):.1f} s elapsed, "
        f"{statistics.median(cpu):.1f} s of CPU, over {args.repeat} run(s) "
        f"({len(pdf) / 1e3:,.0f} KB)."
    )


if __name__ == "__main__":
    main()
