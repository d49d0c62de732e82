"""Put the activity entries that existed before the hash chain into chains: per area (and one
"programme" chain for entries with no area), in (occurred_at, id) order, each linked to the one
before it. The hash function is a frozen copy of activity.chain.content_hash as it was when this
migration was written, so later changes there do not change what this migration did."""

import datetime
import hashlib
import json

from django.db import migrations

BATCH = 1000


def _content_hash(entry) -> str:
    payload = {
        "verb": entry.verb,
        "summary": entry.summary,
        "actor": entry.actor_id,
        "area": entry.area_id,
        "reason": entry.reason,
        "visibility": entry.visibility,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "occurred_at": entry.occurred_at.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"
        ),
        "imported": bool(entry.imported),
        "data": entry.data,
        "corrects": entry.corrects_id,
        "position": entry.chain_position,
        "previous_hash": entry.previous_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fill_hashes(apps, schema_editor):
    ActivityEntry = apps.get_model("activity", "ActivityEntry")
    ActivityChain = apps.get_model("activity", "ActivityChain")
    heads = {}  # area_id (None for the programme chain) -> (length, head hash)
    pending = []
    entries = ActivityEntry.objects.filter(chain_position__isnull=True).order_by(
        "occurred_at", "id"
    )
    for entry in entries.iterator(chunk_size=BATCH):
        length, head_hash = heads.get(entry.area_id, (0, ""))
        entry.chain_position = length + 1
        entry.previous_hash = head_hash
        entry.content_hash = _content_hash(entry)
        heads[entry.area_id] = (entry.chain_position, entry.content_hash)
        pending.append(entry)
        if len(pending) >= BATCH:
            ActivityEntry.objects.bulk_update(
                pending, ["chain_position", "previous_hash", "content_hash"]
            )
            pending = []
    if pending:
        ActivityEntry.objects.bulk_update(pending, ["chain_position", "previous_hash", "content_hash"])
    ActivityChain.objects.bulk_create(
        [
            ActivityChain(
                key=f"area:{area_id}" if area_id else "programme",
                area_id=area_id,
                length=length,
                head_hash=head_hash,
            )
            for area_id, (length, head_hash) in heads.items()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("activity", "0002_audit_hash_chain")]

    operations = [migrations.RunPython(fill_hashes, migrations.RunPython.noop)]
