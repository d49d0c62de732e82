"""Trigram indexes for the area list's search (issue 13), on PostgreSQL only.

The search matches substrings case-insensitively (`icontains`, which PostgreSQL runs as
`UPPER(col::text) LIKE UPPER('%word%')`); a B-tree cannot serve that, so at 20,000 areas every search
scanned the areas and organisations tables. A GIN index of trigrams on the same `UPPER(...)`
expression can. SQLite, the laptop default, keeps scanning: it has no such index and needs none at
that size. `pg_trgm` is a trusted extension (PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

from core.trigram import trigram_indexes

INDEXES = [
    ("programmes_area", "reference", "programmes_area_reference_trgm"),
    ("programmes_area", "name", "programmes_area_name_trgm"),
    ("programmes_area", "local_authority", "programmes_area_la_trgm"),
    ("programmes_organisation", "name", "programmes_org_name_trgm"),
]


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_round_budget_total")]

    operations = [trigram_indexes(INDEXES)]
