"""`make backup` / `make restore`: a populated database goes out to a file and comes back the
same (row counts and a checksum of the key tables), after changes made in between are lost."""

import hashlib

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from activity.services import activity_record
from grants.models import Award, Payment
from plans.models import OperationalPlan
from programmes.models import Area, Organisation
from programmes.tests.factories import AreaFactory

# Committed data, so pg_dump (another process) sees it; flushed afterwards as usual.
pytestmark = pytest.mark.django_db(transaction=True)

KEY_MODELS = [User, Organisation, Area, OperationalPlan, Award, Payment, ActivityEntry]


def _fingerprint() -> dict:
    """Each key table: its row count and a checksum of every row, in primary-key order."""
    prints = {}
    for model in KEY_MODELS:
        digest = hashlib.sha256()
        rows = model.objects.order_by("pk").values_list()
        for row in rows:
            digest.update(repr(row).encode())
        prints[model._meta.label] = (rows.count(), digest.hexdigest())
    return prints


def test_backup_and_restore_round_trip(tmp_path):
    manager = UserFactory(username="backup-pm", programme_manager=True)
    areas = AreaFactory.create_batch(5)
    for area in areas:
        activity_record(verb="area.note", summary=f"Note on {area.name} — £1,200", area=area)
    before = _fingerprint()
    assert before["programmes.Area"][0] == 5

    suffix = ".sqlite3" if _is_sqlite() else ".dump"
    backup = tmp_path / f"ourplace-test{suffix}"
    call_command("database_backup", output=str(backup))
    assert backup.exists() and backup.stat().st_size > 0

    # Life goes on after the backup: rows added, changed and deleted.
    AreaFactory.create_batch(3)
    Area.objects.filter(pk=areas[0].pk).update(name="Renamed after the backup")
    ActivityEntry.objects.filter(area=areas[1]).delete()
    manager.delete()
    assert _fingerprint() != before

    call_command("database_restore", str(backup))
    assert _fingerprint() == before
    assert Area.objects.get(pk=areas[0].pk).name == areas[0].name


def _is_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"
