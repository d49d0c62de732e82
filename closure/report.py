"""The round's closure report: one row per award with its reconciliation (awarded, paid,
unspent, returned, written off) and where its closure stands. The command
(``manage.py report closure --round <slug>``) and the reports page's CSV/XLSX export read these
same rows; money is a number in pounds."""

from decimal import Decimal

from .workflows import CLOSURE

COLUMNS = [
    "reference",
    "area",
    "stage",
    "awarded",
    "paid",
    "spent",
    "unspent",
    "returned",
    "written_off",
    "status",
]

NOT_CLOSING = "Open"


def _money(value) -> Decimal | str:
    return Decimal(value).quantize(Decimal("0.01")) if value is not None else ""


def award_row(award) -> dict:
    """One award's row. An award of a closed grant reads its frozen figures; others read now."""
    rec = getattr(award, "reconciliation", None) if hasattr(award, "reconciliation") else None
    unspent = None
    if rec is not None and hasattr(rec, "unspent"):
        unspent = rec.unspent
    closed = rec is not None and rec.closure.status == "closed"
    return {
        "reference": award.area.reference,
        "area": award.area.name,
        "stage": award.get_stage_display(),
        "awarded": _money(rec.awarded if closed and rec.awarded is not None else award.amount),
        "paid": _money(rec.paid if closed and rec.paid is not None else award.paid_now),
        "spent": _money(rec.spent) if rec is not None and rec.spent is not None else "",
        "unspent": _money(unspent.amount if unspent else 0)
        if rec and rec.spent is not None
        else "",
        "returned": _money(unspent.received_amount if unspent else 0),
        "written_off": _money(unspent.written_off_amount if unspent else 0),
        "status": CLOSURE.label(rec.closure.status) if rec is not None else NOT_CLOSING,
    }


def closure_rows(round_):
    """The report's rows for `round_`, header first, as lists (for CSV and XLSX)."""
    from .selectors import closure_report_awards

    yield list(COLUMNS)
    for award in closure_report_awards(round_).iterator(chunk_size=500):
        row = award_row(award)
        yield [row[c] for c in COLUMNS]
