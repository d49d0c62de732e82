"""Time the area list page (queries and milliseconds per request, through the test Client) and
report rendering at 100, 1,000 and 5,000 areas.

    createdb -h 127.0.0.1 -U postgres ourplace_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_bench .venv/bin/python bench/run.py

Uses a throwaway database (it deletes and recreates the benchmark areas). Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")

import make_data  # noqa: E402


def timed(fn, repeat):
    """Median milliseconds and the query count of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def measure(n: int, repeat: int) -> dict:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User
    from programmes.models import Area
    from reports.models import ReportKind
    from reports.rendering import report_pdf
    from reports.sections import ReportContext

    made = make_data.make(n)
    pm = User.objects.get(username="bench-pm")
    client = Client()
    client.force_login(pm)
    results = {"areas": n}

    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False):
        client.get("/areas/")  # warm up
        results["list"] = timed(lambda: _ok(client.get("/areas/")), repeat)
        results["list_filtered"] = timed(
            lambda: _ok(client.get("/areas/", {"org_type": "vcs", "sort": "-name", "page": 3})),
            repeat,
        )
        results["list_theme"] = timed(
            lambda: _ok(client.get("/areas/", {"theme": "young-people", "q": "Bench"})), repeat
        )
        results["csv"] = timed(
            lambda: b"".join(_ok(client.get("/reports/export/areas.csv")).streaming_content),
            max(1, repeat // 2),
        )
        results["xlsx"] = timed(
            lambda: b"".join(_ok(client.get("/reports/export/areas.xlsx")).streaming_content),
            max(1, repeat // 2),
        )
    area = Area.objects.get(reference=made["sample"])
    # The first WeasyPrint render in a process loads fonts; a worker pays that once.
    report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area))
    results["area_pdf"] = timed(
        lambda: report_pdf(ReportContext(kind=ReportKind.AREA_PROGRESS, area=area)),
        max(1, repeat // 2),
    )
    results["programme_pdf"] = timed(
        lambda: report_pdf(ReportContext(kind=ReportKind.PROGRAMME, round=made["round"])),
        max(1, repeat // 2),
    )
    return results


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    make_data.setup()
    from django.db import connection

    rows = [measure(int(n), args.repeat) for n in args.sizes.split(",")]
    print(f"\nDatabase: {connection.vendor}; median of {args.repeat} runs (PDF and CSV: fewer).\n")
    columns = [
        ("list", "Area list, page 1"),
        ("list_filtered", "Area list, type filter + sort, page 3"),
        ("list_theme", "Area list, theme + search"),
        ("csv", "CSV export, all areas"),
        ("xlsx", "XLSX export, all areas"),
        ("area_pdf", "Area PDF render"),
        ("programme_pdf", "Programme PDF render"),
    ]
    print("| Measure | " + " | ".join(f"{r['areas']:,} areas" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key, label in columns:
        cells = [f"{r[key][0]:,.0f} ms, {r[key][1]} queries" for r in rows]
        print(f"| {label} | " + " | ".join(cells) + " |")
    make_data.clear()


if __name__ == "__main__":
    main()
