"""The search's trigram indexes (0007) take new rows directly, not through a pending list.

A GIN index normally queues new entries in an unsorted "pending list" until VACUUM (or 4 MB of
them) merges it, and every search reads the whole list. Areas loaded in bulk left all 20,000
references and 7,700 names there: each search walked it (9-12 ms per index at 20,000 areas,
against well under 1 ms once merged). Areas and organisations are written rarely and searched
often, so each write pays its few index entries at once instead. PostgreSQL only, as 0007.
"""

from django.db import migrations

INDEXES = [
    "programmes_area_reference_trgm",
    "programmes_area_name_trgm",
    "programmes_area_la_trgm",
    "programmes_org_name_trgm",
]


def read_directly(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} SET (fastupdate = off)")
        # Merge what is already queued (a no-op on a new database).
        schema_editor.execute(
            "SELECT gin_clean_pending_list(oid) FROM pg_class WHERE relname = %s AND relkind = 'i'",
            [name],
        )


def queue_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_round_returns_open_days_before_end")]

    operations = [migrations.RunPython(read_directly, queue_again)]
