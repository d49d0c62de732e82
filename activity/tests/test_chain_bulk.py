"""`activity_record_many` appends many entries to their chains at once, linked and hashed exactly
as `activity_record` links them one at a time, so `audit_verify` passes after it."""

import datetime

import pytest

from activity.models import ActivityChain, ActivityEntry, Visibility
from activity.services import activity_entry, activity_record, activity_record_many
from activity.verification import audit_verify
from programmes.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def _entries(areas, n):
    day = datetime.date(2024, 3, 1)
    return [
        activity_entry(
            verb=f"area.step_{i}",
            summary=f"Step {i} for {area.reference if area else 'the programme'}",
            area=area,
            visibility=Visibility.AREA,
            occurred_at=day + datetime.timedelta(days=i),
            imported=True,
            data={"step": i, "amount": "1000.00"},
        )
        for area in areas
        for i in range(n)
    ]


def test_bulk_entries_continue_existing_chains_and_start_new_ones(programme_manager):
    old, new = AreaFactory(), AreaFactory()
    activity_record(verb="area.before", summary="Before", actor=programme_manager, area=old)
    entries = _entries([old, new, None], 3)
    activity_record_many(entries)

    assert audit_verify().ok, audit_verify().broken
    old_chain = list(ActivityEntry.objects.filter(area=old).order_by("chain_position"))
    assert [e.chain_position for e in old_chain] == [1, 2, 3, 4]
    assert old_chain[1].previous_hash == old_chain[0].content_hash
    assert ActivityChain.objects.get(key=f"area:{new.pk}").length == 3
    assert ActivityChain.objects.get(key="programme").length == 3
    # One at a time after the bulk write still links on.
    activity_record(verb="area.after", summary="After", actor=programme_manager, area=new)
    assert audit_verify().ok


def test_bulk_entries_hash_as_entries_written_one_at_a_time(programme_manager):
    one, bulk = AreaFactory(), AreaFactory()
    for e in _entries([one], 2):
        activity_record(
            verb=e.verb,
            summary=e.summary,
            area=one,
            visibility=e.visibility,
            occurred_at=e.occurred_at,
            imported=True,
            data=e.data,
        )
    activity_record_many(_entries([bulk], 2))
    # Same content but a different area: the first links differ only by the area they name.
    singles = ActivityEntry.objects.filter(area=one).order_by("chain_position")
    bulks = ActivityEntry.objects.filter(area=bulk).order_by("chain_position")
    assert [(e.verb, e.chain_position, e.occurred_at) for e in singles] == [
        (e.verb, e.chain_position, e.occurred_at) for e in bulks
    ]
    assert audit_verify().ok


def test_a_changed_bulk_entry_is_caught():
    area = AreaFactory()
    entries = activity_record_many(_entries([area], 3))
    ActivityEntry.objects.filter(pk=entries[1].pk).update(summary="Changed by hand")
    report = audit_verify()
    assert not report.ok
    assert report.broken[0].entry_id == entries[1].pk


def test_a_chain_another_writer_started_meanwhile_is_continued_not_forked(
    programme_manager, monkeypatch
):
    from activity import services

    area = AreaFactory()
    activity_record(verb="area.before", summary="Before", actor=programme_manager, area=area)
    real = services._locked_heads
    calls = []

    def first_sees_no_chain(keys):
        # The first look happens before the other writer's chain exists: it is missed, so the
        # insert of a new head meets the other writer's row.
        calls.append(keys)
        return {} if len(calls) == 1 else real(keys)

    monkeypatch.setattr(services, "_locked_heads", first_sees_no_chain)
    activity_record_many(_entries([area], 2))
    assert len(calls) == 2
    chain = list(ActivityEntry.objects.filter(area=area).order_by("chain_position"))
    assert [e.chain_position for e in chain] == [1, 2, 3]
    assert ActivityChain.objects.get(key=f"area:{area.pk}").length == 3
    assert audit_verify().ok, audit_verify().broken
