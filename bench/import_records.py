"""Time the CRM import (`reports.imports.records_import`, the code behind `manage.py
import_records` and the web import job) for files of N records.

    createdb -h 127.0.0.1 -U postgres ourplace_bench_import   # its own: imports cannot be undone
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_bench_import \\
        .venv/bin/python bench/import_records.py --sizes 100,500

Each size goes into its own new round (slug bench-import-bi<time>) in a throwaway database: a
first run that creates everything, then the same file again (which must change nothing). Prints a
Markdown table. Never point it at a database you care about. `bench/run.py` calls `measure()` for
1,000 and 10,000 records (BENCH_IMPORT_SIZES) in a database of its own.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")

TYPES = ["VCS body", "Local authority", "Other public service", "Parish or town council"]


def rows(n: int, slug: str, tag: str) -> list[str]:
    """N records with the mix a finished round has: most admitted, some refused or withdrawn;
    of the admitted most apply for Getting Going, some submit a final plan, some signed off."""
    from reports.imports import COLUMNS

    out = [",".join(COLUMNS)]
    for i in range(n):
        admitted = ["admitted", "admitted", "admitted", "rejected", "withdrawn"][i % 5]
        gg = "" if admitted != "admitted" else ["approved", "approved", "rejected", ""][i % 4]
        submitted = "2024-06-01" if gg == "approved" and i % 3 else ""
        outcome = ("approved" if i % 2 else "not approved") if submitted else ""
        out.append(
            ",".join(
                [
                    f"{tag}-{i:05d}",
                    slug,
                    f"Bench neighbourhood {i}",
                    "Leeds",
                    f"Bench organisation {slug} {i}",
                    TYPES[i % 4],
                    "Housing;Young people",
                    "general" if i % 3 else "specific",
                    f"2024-01-{1 + i % 28:02d}",
                    admitted,
                    gg,
                    "yes" if gg == "approved" and i % 5 == 0 else "no",
                    submitted,
                    outcome,
                    "2024-09-01" if outcome else "",
                ]
            )
        )
    return out


class Progress:
    """Hears the importer's own progress (`records_import(progress=...)`: while the file is
    checked, then as records are written) and passes the records written on, at most once a
    second, so a run stopped at its time limit still gives a rate."""

    def __init__(self, report):
        self.done = 0
        self.report = report
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        now = time.perf_counter()
        if now - self.last >= 1 or done == total:
            self.last = now
            self.report(done)


def measure(n: int, *, report=lambda done, seconds: None) -> dict:
    """Import a new file of n records into a new round, then the same file again; return the
    seconds and records a second. `report(done, seconds)` hears about progress."""
    from reports.imports import records_import

    tag = f"BI{int(time.time() * 10) % 10**7:07d}"  # references are up to 20 characters
    slug = f"bench-import-{tag.lower()}"
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        handle.write("\n".join(rows(n, slug, tag)) + "\n")
    try:
        started = time.perf_counter()
        progress = Progress(lambda done: report(done, time.perf_counter() - started))
        first = records_import(path=handle.name, round_slug=slug, progress=progress)
        took = time.perf_counter() - started
        assert first.rows_created == n, first.summary_lines()
        started = time.perf_counter()
        again = records_import(path=handle.name, round_slug=slug)
        again_took = time.perf_counter() - started
        assert again.rows_unchanged == n, again.summary_lines()
    finally:
        os.unlink(handle.name)
    return {
        "records": n,
        "seconds": round(took, 1),
        "records_per_second": round(n / took, 1),
        "again_seconds": round(again_took, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from programmes.models import Programme

    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    print("| Records | First import | Records a second | Same file again |")
    print("|---|---|---|---|")
    for n in [int(s) for s in args.sizes.split(",")]:
        r = measure(n)
        print(
            f"| {n:,} | {r['seconds']:,.1f} s | {r['records_per_second']:,.0f} "
            f"| {r['again_seconds']:,.1f} s |"
        )


if __name__ == "__main__":
    main()
