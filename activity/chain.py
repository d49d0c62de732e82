"""The hash chain that makes the audit trail tamper-evident.

Every activity entry stores `content_hash`, a SHA-256 over a canonical JSON of what it says (and
of `previous_hash`, the content hash of the entry before it in the same chain). There is one chain
per area and one "programme" chain for entries that belong to no area. Changing, inserting or
deleting a row by hand breaks a link, which `python manage.py audit_verify` reports.

The function below is the single definition of "canonical"; the migration that first filled the
hashes carries a frozen copy of it, so changing it here means a new migration re-hashing the rows.
"""

import datetime
import hashlib
import json

PROGRAMME_CHAIN = "programme"


def chain_key(area_id) -> str:
    """The name of the chain an entry for this area (or for no area) belongs to."""
    return f"area:{area_id}" if area_id else PROGRAMME_CHAIN


def canonical_data(data) -> dict:
    """`data` as it will come back from the database: JSON types only, so the hash computed
    before saving equals the hash computed after reading the row back."""
    return json.loads(json.dumps(data or {}, default=str))


def _instant(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_hash(entry) -> str:
    """SHA-256 (hex) of the entry's content and its link to the previous entry."""
    payload = {
        "verb": entry.verb,
        "summary": entry.summary,
        "actor": entry.actor_id,
        "area": entry.area_id,
        "reason": entry.reason,
        "visibility": entry.visibility,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "occurred_at": _instant(entry.occurred_at),
        "imported": bool(entry.imported),
        "data": entry.data,
        "corrects": entry.corrects_id,
        "position": entry.chain_position,
        "previous_hash": entry.previous_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
