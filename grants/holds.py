"""Holds other apps put on the money: a registry, so grants never imports the apps that hold it.

An app that can stop an award being made or a payment moving (due diligence missing or expired,
a bank account change not yet confirmed, a grant closed) registers a check from its AppConfig's
``ready()``::

    from grants.holds import register_award_hold, register_payment_hold

    register_award_hold(diligence_award_hold)    # fn(*, area, stage, amount) -> reason | None
    register_payment_hold(bank_payment_hold)     # fn(payment) -> reason | None

Each check returns one sentence a person can act on, or None. ``award_grant`` refuses an award
while any award hold answers (imported history is never held); the payment workflow's approve and
pay moves are guarded by the payment holds (grants/workflows.py), so the refusal reaches every
caller (the finance list, bulk approval, the confirmation preview) with its reason.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError

AwardHold = Callable[..., "str | None"]
PaymentHold = Callable[[object], "str | None"]

_award_holds: list[AwardHold] = []
_payment_holds: list[PaymentHold] = []
# Annotations a hold reads on payment pages (``fn() -> {name: expression}``), so a list of
# payments asks its holds no query per row; and what the pay service records about where the
# money went (``fn(payment) -> changes``), asked under the payment's lock.
_payment_annotations: list[Callable[[], dict]] = []
_paid_recorders: list[Callable[[object], dict]] = []


def register_award_hold(check: AwardHold) -> AwardHold:
    """Add a check ``check(*, area, stage, amount) -> reason | None`` asked before an award."""
    if check not in _award_holds:
        _award_holds.append(check)
    return check


def register_payment_hold(
    check: PaymentHold, *, annotations: Callable[[], dict] | None = None
) -> PaymentHold:
    """Add a check ``check(payment) -> reason | None`` asked before a payment is approved or
    paid. A check that queries gives ``annotations() -> {name: expression}`` too: the list pages
    add them to their payments query (``grants.selectors.with_four_eyes``, through
    ``payment_hold_annotations``), and the check reads them from
    the row when present, so asking every row of a page costs no query at all."""
    if check not in _payment_holds:
        _payment_holds.append(check)
    if annotations is not None and annotations not in _payment_annotations:
        _payment_annotations.append(annotations)
    return check


def award_hold_reasons(*, area, stage: str, amount) -> list[str]:
    """Every registered reason an award for `area` cannot be made now (empty when none)."""
    reasons = (check(area=area, stage=stage, amount=amount) for check in _award_holds)
    return [reason for reason in reasons if reason]


def award_holds_require(*, area, stage: str, amount, imported: bool = False) -> None:
    """Refuse the award with every hold's reason, code ``award_held`` (imported history is never
    held)."""
    if imported:
        return
    reasons = award_hold_reasons(area=area, stage=stage, amount=amount)
    if reasons:
        raise ValidationError(" ".join(reasons), code="award_held")


def payment_hold_reason(payment) -> str | None:
    """The first registered reason `payment` cannot be approved or paid now, or None."""
    for check in _payment_holds:
        reason = check(payment)
        if reason:
            return reason
    return None


def register_payment_annotations(annotations: Callable[[], dict]) -> Callable[[], dict]:
    """Add ``annotations() -> {name: expression}`` for the payments' page queries
    (grants.selectors.with_four_eyes), read by a payment hold instead of a query per row."""
    if annotations not in _payment_annotations:
        _payment_annotations.append(annotations)
    return annotations


def payment_hold_annotations() -> dict:
    """Every registered hold's annotations for a payment queryset."""
    merged: dict = {}
    for annotations in _payment_annotations:
        merged.update(annotations())
    return merged


def register_paid_recorder(recorder: Callable[[object], dict]) -> Callable[[object], dict]:
    """Add ``recorder(payment) -> {field: value}``: fields of the payment the pay service sets
    as it marks the payment paid (the bank account it was paid to), under the payment's lock."""
    if recorder not in _paid_recorders:
        _paid_recorders.append(recorder)
    return recorder


def paid_changes(payment) -> dict:
    changes: dict = {}
    for recorder in _paid_recorders:
        changes.update(recorder(payment))
    return changes


# What other apps record about each award as it is made (due diligence: the checklist the award
# relied on), ``fn(award, *, actor, occurred_at) -> None``, called by award_grant inside its
# transaction; never for imported history, which was not checked in this system.
_award_recorders: list[Callable[..., None]] = []


def register_award_recorder(recorder: Callable[..., None]) -> Callable[..., None]:
    if recorder not in _award_recorders:
        _award_recorders.append(recorder)
    return recorder


def award_made(award, *, actor, occurred_at=None, imported: bool = False) -> None:
    if imported:
        return
    for recorder in _award_recorders:
        recorder(award, actor=actor, occurred_at=occurred_at)
