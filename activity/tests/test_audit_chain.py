"""The audit trail cannot be forged: entries are append-only, each is hashed into its area's
chain, and `audit_verify` names the first broken link after a row is changed or deleted by hand."""

import datetime
import threading

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from activity.chain import content_hash
from activity.models import ActivityChain, ActivityEntry, AppendOnlyError, Visibility
from activity.services import activity_correct, activity_record
from programmes.tests.factories import AreaFactory
from programmes.tests.panels import area_panel

pytestmark = pytest.mark.django_db


def _verify() -> tuple[bool, str]:
    """Run the command; (passed, everything it printed)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def _trail(area, user, n=4):
    return [
        activity_record(
            verb=f"area.step_{i}",
            summary=f"Step {i} for {area.reference}",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            data={"step": i, "amount": "1000.00"},
        )
        for i in range(n)
    ]


@pytest.fixture
def trail(area, programme_manager):
    other = AreaFactory()
    entries = _trail(area, programme_manager)
    _trail(other, programme_manager, n=2)
    activity_record(verb="programme.noted", summary="No area", actor=programme_manager)
    return entries


class TestAppendOnly:
    def test_an_entry_cannot_be_changed_or_deleted(self, trail):
        entry = ActivityEntry.objects.get(pk=trail[1].pk)
        entry.summary = "Signed off by the funder in March"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        assert ActivityEntry.objects.get(pk=entry.pk).summary == trail[1].summary

    def test_a_correction_is_a_new_entry_pointing_at_the_one_it_corrects(
        self, trail, programme_manager, client_for
    ):
        wrong = trail[2]
        fix = activity_correct(
            entry=wrong,
            summary="Step 2 happened on the 3rd, not the 2nd",
            reason="Typed the wrong date.",
            actor=programme_manager,
        )
        assert fix.corrects == wrong
        assert fix.chain_position == wrong.chain_position + 2
        assert ActivityEntry.objects.get(pk=wrong.pk).summary == wrong.summary
        timeline = area_panel(client_for(programme_manager), wrong.area, "timeline")
        assert "Correction" in timeline
        assert _verify()[0]


class TestChain:
    def test_entries_link_to_the_previous_entry_of_the_same_area(self, trail, area):
        stored = list(ActivityEntry.objects.filter(area=area).order_by("chain_position"))
        assert [e.chain_position for e in stored] == [1, 2, 3, 4]
        assert stored[0].previous_hash == ""
        for before, after in zip(stored, stored[1:], strict=False):
            assert after.previous_hash == before.content_hash
        for e in stored:
            assert e.content_hash == content_hash(e)
        head = ActivityChain.objects.get(area=area)
        assert (head.length, head.head_hash) == (4, stored[-1].content_hash)

    def test_the_programme_chain_holds_entries_with_no_area(self, trail):
        entry = ActivityEntry.objects.get(area__isnull=True)
        assert entry.chain_position == 1
        assert ActivityChain.objects.get(key="programme").head_hash == entry.content_hash

    def test_hash_covers_the_content(self, trail):
        entry = ActivityEntry.objects.get(pk=trail[0].pk)
        original = entry.content_hash
        for name, value in [
            ("summary", "Changed"),
            ("actor_id", UserFactory().pk),
            ("occurred_at", entry.occurred_at - datetime.timedelta(days=200)),
            ("data", {"step": 0, "amount": "9000.00"}),
            ("visibility", Visibility.STAFF),
        ]:
            kept = getattr(entry, name)
            setattr(entry, name, value)
            assert content_hash(entry) != original, name
            setattr(entry, name, kept)
        assert content_hash(entry) == original


class TestAuditVerify:
    def test_passes_on_an_untouched_trail(self, trail):
        passed, output = _verify()
        assert passed
        assert "7 entries in 3 chains verified." in output

    def test_a_raw_sql_update_is_named(self, trail, area):
        edited = trail[1]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE activity_activityentry SET summary = %s WHERE id = %s",
                ["Signed off by funder", edited.pk],
            )
        passed, output = _verify()
        assert not passed
        assert f"area {area.reference}" in output
        assert f"entry {edited.pk} (area.step_1)" in output
        assert "content does not match its hash" in output
        assert "1 of 3 chains broken" in output

    def test_a_backdated_actor_change_is_named(self, trail):
        edited = trail[3]
        forger = UserFactory()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE activity_activityentry SET actor_id = %s, occurred_at = %s WHERE id = %s",
                [forger.pk, "2026-03-01 10:00:00", edited.pk],
            )
        passed, output = _verify()
        assert not passed
        assert f"entry {edited.pk} (area.step_3)" in output

    def test_a_raw_delete_of_a_middle_entry_names_the_next_one(self, trail):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM activity_activityentry WHERE id = %s", [trail[1].pk])
        passed, output = _verify()
        assert not passed
        assert f"entry {trail[2].pk} (area.step_2)" in output
        assert "missing" in output

    def test_deleting_the_last_entry_is_noticed_by_the_chain_head(self, trail, area):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM activity_activityentry WHERE id = %s", [trail[3].pk])
        passed, output = _verify()
        assert not passed
        assert f"area {area.reference}" in output
        assert "head records 4 entries" in output

    def test_a_row_inserted_by_hand_is_named(self, trail, area):
        forged = ActivityEntry.objects.bulk_create(
            [
                ActivityEntry(
                    area=area,
                    verb="plan.signed_off",
                    summary="Signed off by the funder",
                    occurred_at=trail[0].occurred_at,
                )
            ]
        )[0]
        passed, output = _verify()
        assert not passed
        assert f"entry {forged.pk} (plan.signed_off)" in output
        assert "not in the chain" in output


def test_the_migration_chains_existing_entries_in_time_order(area, programme_manager):
    """Entries written before the chain existed get their hashes from the data migration, in
    (occurred_at, id) order, and then verify; new entries carry on from the migrated head."""
    fill_hashes = __import__(
        "activity.migrations.0003_fill_audit_hashes", fromlist=["fill_hashes"]
    ).fill_hashes
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    old = ActivityEntry.objects.bulk_create(
        [
            ActivityEntry(
                area=area if i % 3 else None,
                actor=programme_manager,
                verb="old.entry",
                summary=f"Old entry {i}",
                # Out of id order on purpose: imported history keeps its own dates.
                occurred_at=now - datetime.timedelta(days=(i * 37) % 11),
                data={"i": i},
            )
            for i in range(9)
        ]
    )
    assert all(e.chain_position is None for e in ActivityEntry.objects.all())
    fill_hashes(apps, None)
    in_area = list(ActivityEntry.objects.filter(area=area).order_by("chain_position"))
    assert [e.occurred_at for e in in_area] == sorted(e.occurred_at for e in in_area)
    assert _verify()[0]
    activity_record(verb="new.entry", summary="After the migration", area=area)
    passed, output = _verify()
    assert passed, output
    assert f"{len(old) + 1} entries in 2 chains verified." in output


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_concurrent_writers_do_not_fork_a_chain():
    area = AreaFactory()
    activity_record(verb="first", summary="First", area=area)
    barrier = threading.Barrier(4)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(5):
                activity_record(verb="race", summary=f"Writer {n} entry {i}", area=area)
        except Exception as exc:  # noqa: BLE001 - any failure is the test's failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    positions = list(
        ActivityEntry.objects.filter(area=area)
        .order_by("chain_position")
        .values_list("chain_position", flat=True)
    )
    assert positions == list(range(1, 22))
    passed, output = _verify()
    assert passed, output
