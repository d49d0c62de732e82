"""Checking the audit trail's hash chains (the `audit_verify` command reads this)."""

from dataclasses import dataclass, field

from .chain import chain_key, content_hash
from .models import ActivityChain, ActivityEntry


@dataclass
class BrokenLink:
    chain: str  # "area R2-041 (Ashfield North)" or "programme"
    entry_id: int | None
    verb: str
    problem: str

    def __str__(self):
        where = f"entry {self.entry_id} ({self.verb})" if self.entry_id else "chain head"
        return f"{self.chain}: {where}: {self.problem}"


@dataclass
class ChainReport:
    entries: int = 0
    chains: int = 0
    broken: list[BrokenLink] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def _check_entry(entry, *, position: int, previous_hash: str) -> str | None:
    """What is wrong with this link of the chain, or None."""
    if entry.chain_position is None:
        return "it is not in the chain (written without activity_record, or by hand)"
    if entry.chain_position != position:
        return (
            f"it is at position {entry.chain_position} where position {position} was expected "
            "(an entry before it is missing)"
        )
    if entry.previous_hash != previous_hash:
        return (
            "its previous hash does not match the entry before it "
            "(an entry before it was deleted, inserted or changed)"
        )
    if entry.content_hash != content_hash(entry):
        return "its content does not match its hash (the row was changed after it was written)"
    return None


def _chain_label(area) -> str:
    return f"area {area.reference} ({area.name})" if area is not None else "programme"


def audit_verify() -> ChainReport:
    """Walk every chain in order and report, per chain, the first broken link."""
    report = ChainReport()
    heads = {head.key: head for head in ActivityChain.objects.all()}
    entries = ActivityEntry.objects.select_related("area").order_by(
        "area_id", "chain_position", "id"
    )
    current, position, previous, label, failed = None, 0, "", "", False

    def close_chain():
        if current is None:
            return
        report.chains += 1
        head = heads.pop(current, None)
        if failed:
            return
        if head is None or head.length != position or head.head_hash != previous:
            problem = (
                f"the chain ends at position {position} but its head records "
                f"{head.length if head else 0} entries (entries at the end were deleted, "
                "or the head was changed)"
            )
            report.broken.append(BrokenLink(label, None, "", problem))

    for entry in entries.iterator(chunk_size=2000):
        key = chain_key(entry.area_id)
        if key != current:
            close_chain()
            current, position, previous, failed = key, 0, "", False
            label = _chain_label(entry.area)
        report.entries += 1
        if failed:
            continue
        position += 1
        problem = _check_entry(entry, position=position, previous_hash=previous)
        if problem:
            failed = True
            report.broken.append(BrokenLink(label, entry.pk, entry.verb, problem))
        previous = entry.content_hash
    close_chain()
    for key, head in heads.items():
        if head.length:
            report.chains += 1
            label = _chain_label(head.area) if head.area_id else key
            problem = f"its head records {head.length} entries but none are left"
            report.broken.append(BrokenLink(label, None, "", problem))
    return report
