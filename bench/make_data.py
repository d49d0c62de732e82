"""Generate a national-scale programme quickly (bulk inserts) in a throwaway database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ourplace_bench_dev \\
        .venv/bin/python bench/make_data.py --areas 1000

One live round of N areas with the mix a programme has after a couple of years: applications to
join (admitted, rejected, withdrawn and still open), themes, partners, relationship managers,
stage-gate applications and decisions, awards with their payment schedules, operational plans
with frozen versions and sign-offs (about one in ten awaiting review), the support log with
follow-ups and adviser days, progress returns and funding secured, and ten activity entries per
area. `bench/run.py` calls `make()` on a fresh database per size; run alone, this script migrates
the database and refuses one that already holds benchmark data. Never point it at a database you
care about.
"""

import argparse
import datetime
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")

from mix_plan import COMMON_TERM, ROUND_SLUG, SEARCH_TERM  # noqa: E402


def setup(migrate: bool = False):
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


class Loader:
    """Inserts rows with COPY, far faster than bulk_create for a million rows: ids are given here
    (the database is fresh) and the sequences moved on by `finish()`. Fields a row leaves out get
    the model's default, so a field added to a model later needs no change here unless it has
    neither a default nor null. Counts rows and seconds per table."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.next_id: dict[str, int] = {}

    def __call__(self, model, rows):
        from django.db import connection

        started = time.perf_counter()
        rows = list(rows)
        table = model._meta.db_table
        # A generated column (organisations' name_key) is computed by the database itself.
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        if table not in self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                self.next_id[table] = cursor.fetchone()[0]
        defaults = {f.attname: _default(f) for f in fields}
        buffer = io.StringIO()
        for row in rows:
            row["id"] = self.next_id[table]
            self.next_id[table] += 1
            cells = []
            for f in fields:
                value = row.get(f.name, row.get(f.attname, defaults[f.attname]))
                if f.is_relation and value is not None:
                    value = value["id"] if isinstance(value, dict) else getattr(value, "pk", value)
                cells.append(_text(value))
            buffer.write("\t".join(cells) + "\n")
        buffer.seek(0)
        columns = ", ".join(f'"{f.column}"' for f in fields)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        self.seconds[table] = self.seconds.get(table, 0) + time.perf_counter() - started
        return rows

    def finish(self):
        from django.db import connection

        with connection.cursor() as cursor:
            for table, next_id in self.next_id.items():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, next_id]
                )


def _default(field):
    from django.utils import timezone

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if field.has_default():
        return field.get_default()
    return None if field.null else field.get_default()


def _text(value) -> str:
    from django.core.serializers.json import DjangoJSONEncoder

    """One cell in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder)
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def make(n: int, seed: int = 1) -> dict:
    """Create n areas and everything around them; return the round, sample area references, the
    users by role, the rows per table and the seconds it took."""
    import mix_rows
    from django.db import connection, transaction

    from programmes.models import Round

    if Round.objects.filter(slug=ROUND_SLUG).exists():
        raise SystemExit(
            "This database already holds benchmark data: use a fresh one "
            "(bench/run.py creates one per size)."
        )
    started = time.perf_counter()
    mix = mix_rows.Mix(n=n, seed=seed, load=Loader())
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Skip the per-row foreign key triggers (the rows are made consistent here): most of
            # the time COPY takes otherwise. Needs a superuser, as the bench database's owner is.
            cursor.execute("SET LOCAL session_replication_role = replica")
        mix.build()
        mix.load.finish()
    return {
        "round": mix.round,
        "round_slug": mix.round.slug,
        "samples": mix.samples(),
        "search": SEARCH_TERM,
        "common": COMMON_TERM,
        "theme": mix.themes[0].slug,
        "rows": dict(sorted(mix.load.counts.items())),
        "total_rows": sum(mix.load.counts.values()),
        "slowest_tables": {
            table: round(seconds, 1)
            for table, seconds in sorted(mix.load.seconds.items(), key=lambda kv: -kv[1])[:5]
        },
        "seconds": round(time.perf_counter() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup(migrate=True)
    result = make(args.areas, seed=args.seed)
    print(
        f"Made {args.areas:,} areas ({result['total_rows']:,} rows) in {result['seconds']:.1f} s "
        f"(round {result['round_slug']})."
    )
    for table, count in result["rows"].items():
        print(f"  {table}: {count:,}")


if __name__ == "__main__":
    main()
