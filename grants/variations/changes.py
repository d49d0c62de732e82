"""The rules of a variation's changes: what the award would look like with them made, or the
change that cannot be made and why. Asked when a variation is requested, by the decision's
confirmation page, and again under the award's lock when it is approved
(``grants.variations.services``).

- only payments not yet approved (scheduled or held back) change; paid and approved money never
  does; the award never goes below what is paid or approved;
- payments never add up to more than the award.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.money import pounds
from grants.models import Award, Payment

from .models import VariationChange

ZERO = Decimal("0")
# A payment may be varied until it is approved: approved money has had its four eyes.
VARIABLE = (Payment.Status.SCHEDULED, Payment.Status.HELD)


@dataclass
class Plan:
    """What the award would look like with the changes made."""

    amount: Decimal
    ends_on: date | None
    amounts: dict[int, Decimal]
    dues: dict[int, date | None]
    new: list[tuple[Decimal, date | None]] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)

    @property
    def total_scheduled(self) -> Decimal:
        return sum(self.amounts.values(), ZERO) + sum((a for a, _ in self.new), ZERO)


def _refuse(field_name: str, message: str, code: str):
    raise ValidationError({field_name: ValidationError(message, code=code)})


def payment_label(p: Payment) -> str:
    due = f" due {p.due_on:%-d %b %Y}" if p.due_on else ""
    return f"the {p.get_kind_display().lower()} payment of {pounds(p.amount)}{due}"


def variation_money(award: Award, changes) -> Decimal:
    """The money the changes touch: moved, plus added or taken away."""
    total = ZERO
    amount = award.amount
    for c in changes:
        if c.kind == VariationChange.Kind.MOVE:
            total += c.amount
        elif c.kind == VariationChange.Kind.AMOUNT:
            total += abs(c.amount - amount)
            amount = c.amount
    return total


@dataclass
class _Varying:
    """The award being varied: its plan so far, and its live (not cancelled) payments."""

    award: Award
    plan: Plan
    live: dict[int, Payment]
    fixed: Decimal  # paid or approved: the award never goes below it

    def variable(self, pk, field_name) -> Payment:
        """The payment `pk` of this award, if it may still be varied."""
        p = self.live.get(pk)
        if p is None:
            _refuse(field_name, "Choose a payment of this grant.", "not_this_award")
        if p.status not in VARIABLE:
            _refuse(
                field_name,
                f"{payment_label(p).capitalize()} is {p.get_status_display().lower()}: only a "
                "payment not yet approved can be varied.",
                "not_variable",
            )
        return p


def _more_time(v: _Varying, c: VariationChange) -> None:
    """A later due date for one payment, or a later end for the grant."""
    plan = v.plan
    if c.new_date is None:
        _refuse("time_date", "Give the new date.", "required")
    if c.payment_id:
        p = v.variable(c.payment_id, "time_payment")
        old = plan.dues[p.pk]
    else:
        old = plan.ends_on or v.award.area.round.ends_on
    if old is not None and c.new_date <= old:
        _refuse("time_date", f"More time means a date after {old:%-d %b %Y}.", "not_later")
    if c.payment_id:
        plan.dues[p.pk] = c.new_date
        plan.changed.add(p.pk)
    else:
        plan.ends_on = c.new_date


def _move_money(v: _Varying, c: VariationChange) -> None:
    """Money moved from one payment to another, or to a new instalment."""
    plan = v.plan
    src = v.variable(c.payment_id, "move_from")
    if c.amount is None or c.amount <= 0:
        _refuse("move_amount", "Give the amount to move, more than £0.00.", "required")
    if plan.amounts[src.pk] - c.amount <= 0:
        _refuse(
            "move_amount",
            f"{payment_label(src).capitalize()} has {pounds(plan.amounts[src.pk])}: "
            "moving all of it would leave a payment of nothing. Move less, or move its "
            "date instead.",
            "would_empty",
        )
    plan.amounts[src.pk] -= c.amount
    plan.changed.add(src.pk)
    if c.to_payment_id:
        if c.to_payment_id == src.pk:
            _refuse("move_to", "Choose a different payment to move the money to.", "same")
        dest = v.variable(c.to_payment_id, "move_to")
        plan.amounts[dest.pk] += c.amount
        plan.changed.add(dest.pk)
    else:
        if c.new_date is None:
            _refuse("move_date", "Give the new instalment's due date.", "required")
        plan.new.append((c.amount, c.new_date))


def _new_amount(v: _Varying, c: VariationChange) -> None:
    """A new amount for the grant: the difference taken from, or given to, one payment (or,
    when the grant grows, a new instalment)."""
    plan = v.plan
    new_amount = c.amount
    if new_amount is None or new_amount <= 0:
        _refuse("new_amount", "Give the new amount of the grant.", "required")
    if new_amount < v.fixed:
        _refuse(
            "new_amount",
            f"The grant cannot go below what has been paid or approved: {pounds(v.fixed)}.",
            "below_paid",
        )
    diff = new_amount - plan.amount
    if c.payment_id:
        p = v.variable(c.payment_id, "amount_payment")
        if plan.amounts[p.pk] + diff <= 0:
            _refuse(
                "amount_payment",
                f"{payment_label(p).capitalize()} is too small to give up {pounds(-diff)}.",
                "would_empty",
            )
        plan.amounts[p.pk] += diff
        plan.changed.add(p.pk)
    elif diff > 0:
        plan.new.append((diff, c.new_date))
    plan.amount = new_amount


_CHANGE = {
    VariationChange.Kind.TIME: _more_time,
    VariationChange.Kind.MOVE: _move_money,
    VariationChange.Kind.AMOUNT: _new_amount,
}


def variation_plan(award: Award, changes, payments=None) -> Plan:
    """The award with `changes` made, or ValidationError naming the change that cannot be made
    (with a code: not_variable, not_later, would_empty, below_paid, above_award, ...)."""
    if payments is None:
        payments = list(award.payments.all())
    live = {p.pk: p for p in payments if p.status != Payment.Status.CANCELLED}
    plan = Plan(
        amount=award.amount,
        ends_on=award.ends_on,
        amounts={pk: p.amount for pk, p in live.items()},
        dues={pk: p.due_on for pk, p in live.items()},
    )
    fixed = sum((p.amount for p in live.values() if p.status not in VARIABLE), ZERO)
    varying = _Varying(award=award, plan=plan, live=live, fixed=fixed)
    for c in changes:
        make = _CHANGE.get(c.kind)
        if make is None:
            raise ValidationError("Unknown kind of change.")
        make(varying, c)
    if plan.total_scheduled > plan.amount:
        _refuse(
            "new_amount",
            f"Payments would add up to {pounds(plan.total_scheduled)}, above the grant of "
            f"{pounds(plan.amount)}: choose the payment that gives up the difference.",
            "above_award",
        )
    return plan
