"""The demo copy the tests share (core.tests.demo_snapshot) gives back exactly what the real
`load_demo` made: every table's rows, whichever reference tables a flush left filled."""

import pytest
from django.apps import apps
from django.db import connection, transaction

from core.tests import demo_snapshot
from programmes.models import Area

pytestmark = pytest.mark.django_db


def _contents() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in demo_snapshot._tables():
            cursor.execute(f"SELECT COUNT(*) FROM {demo_snapshot._quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _empty_all_but(keep: frozenset[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in demo_snapshot._tables():
            if table not in keep:
                cursor.execute(f"DELETE FROM {demo_snapshot._quote(table)}")


def test_the_copy_put_back_is_the_demo_the_command_made(monkeypatch):
    demo_snapshot.load_demo_for_test()
    made = _contents()
    references = sorted(Area.objects.values_list("reference", flat=True))
    assert made["programmes_area"] == len(references) > 0

    # As after a flush that left only some of the reference data (no standard programme).
    _empty_all_but(frozenset({"auth_permission", "django_content_type", "programmes_theme"}))
    assert demo_snapshot._filled() <= demo_snapshot.REFERENCE_TABLES

    def no_second_load(*args, **kwargs):
        raise AssertionError("the real command ran again: the copy was not used")

    monkeypatch.setattr(demo_snapshot, "call_command", no_second_load)
    demo_snapshot.load_demo_for_test()

    assert _contents() == made
    assert sorted(Area.objects.values_list("reference", flat=True)) == references


def test_a_database_with_rows_of_its_own_gets_the_real_command(django_user_model):
    django_user_model.objects.create_user(username="someone-else", password="x")
    assert not demo_snapshot._filled() <= demo_snapshot.REFERENCE_TABLES
    demo_snapshot.load_demo_for_test()
    # The test's own row is still there beside the demo's: nothing was replaced.
    assert django_user_model.objects.filter(username="someone-else").exists()
    assert django_user_model.objects.filter(username="pm").exists()


def test_the_copy_made_after_a_bare_flush_holds_every_content_type(monkeypatch):
    """A copy made from a database a flush left with no content types at all used to keep only
    those the demo happened to make, and put that partial set back for every later test: a
    snoozed My work item then named a content type that did not exist."""
    from django.contrib.contenttypes.models import ContentType

    _empty_all_but(frozenset({"programmes_theme"}))
    ContentType.objects.clear_cache()
    monkeypatch.setattr(demo_snapshot, "_copies", {})
    demo_snapshot.load_demo_for_test()
    assert ContentType.objects.filter(app_label="support", model="followup").exists()
    expected = {(m._meta.app_label, m._meta.model_name) for m in apps.get_models()}
    present = set(ContentType.objects.values_list("app_label", "model"))
    assert expected <= present


def test_putting_the_copy_back_never_moves_a_sequence_backwards():
    """PostgreSQL's sequences are outside the test's transaction: a copy put back with the keys
    it was made with, then rolled back, once left the themes' sequence below rows that came back
    with the rollback, and the next theme added took a key already in use."""
    from programmes.models import Theme

    demo_snapshot.load_demo_for_test()
    _empty_all_but(demo_snapshot.REFERENCE_TABLES)
    handed_out = max(Theme.objects.create(name=f"T{n}", slug=f"t-{n}").pk for n in range(30))
    Theme.objects.filter(slug__startswith="t-").delete()

    demo_snapshot.load_demo_for_test()
    assert Theme.objects.create(name="After", slug="after").pk > handed_out
