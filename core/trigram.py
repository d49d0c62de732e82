"""Trigram indexes for substring search, on PostgreSQL only (programmes 0007 explains why).

The site's searches match substrings case-insensitively (`icontains`, which PostgreSQL runs as
`UPPER(col::text) LIKE UPPER('%word%')`); a B-tree cannot serve that, a GIN index of trigrams on
the same `UPPER(...)` expression can. Each index takes new rows directly rather than through a
pending list that every search would read (programmes 0009). SQLite, the laptop default, has no
such index and scans.
"""

from django.db import migrations


def trigram_indexes(indexes: list[tuple[str, str, str]]) -> migrations.RunPython:
    """A migration operation creating (and on reverse dropping) one trigram index per
    (table, column, index name)."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column, name in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops) WITH (fastupdate = off)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _, _, name in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
