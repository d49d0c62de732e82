"""Writes for round budgets, and the check every award passes: an award that would take the
round's committed money beyond its budget (the round total, or the line for its stage or its
financial year, where set) is refused unless a programme manager has overridden the budget for
it with a reason, which is recorded on the area's timeline."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from accounts import permissions as perms
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.money import pounds
from grants.models import Award
from programmes.models import Round, Stage

from .models import BudgetLine, BudgetOverride, fy_label
from .selectors import financial_year

ZERO = Decimal("0")


def can_set_budget(user):
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can set budgets or override them."


def _committed(round_, **filters) -> Decimal:
    qs = Award.objects.filter(area__round=round_, status=Award.Status.LIVE, **filters)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def budget_overruns(*, round_, stage: str, amount: Decimal, awarded_on) -> list[str]:
    """What an award of `amount` would overrun, each as a sentence; [] when it fits."""
    year = financial_year(awarded_on)
    limits = []
    if round_.budget_total is not None:
        limits.append((f"{round_.name}'s budget", round_.budget_total, {}))
    for line in BudgetLine.objects.filter(round=round_):
        if line.stage not in ("", stage) or line.financial_year not in (None, year):
            continue
        filters = {}
        names = []
        if line.stage:
            filters["stage"] = line.stage
            names.append(f"{Stage(line.stage).label}")
        if line.financial_year is not None:
            start, end = f"{line.financial_year}-04-01", f"{line.financial_year + 1}-03-31"
            filters["awarded_on__range"] = (start, end)
            names.append(fy_label(line.financial_year))
        limits.append((f"the {' '.join(names)} budget", line.amount, filters))
    refusals = []
    for name, limit, filters in limits:
        committed = _committed(round_, **filters)
        if committed + amount > limit:
            refusals.append(
                f"{pounds(amount)} would exceed {name} of {pounds(limit)}: "
                f"{pounds(committed)} is already committed, {pounds(max(limit - committed, ZERO))} "
                "remains"
            )
    return refusals


def budget_check(
    *, area, stage: str, amount: Decimal, awarded_on, actor, override_reason: str = "", imported
):
    """Called by ``award_grant`` before it creates the award, under a lock on the round so two
    awards cannot both take the last of the budget. Returns the override that lets an
    over-budget award through (to pass to ``budget_override_use``), or None when it fits.
    Imported history is never refused: that money was committed before Our Place."""
    if imported:
        return None
    round_ = Round.objects.select_for_update().get(pk=area.round_id)
    overruns = budget_overruns(round_=round_, stage=stage, amount=amount, awarded_on=awarded_on)
    if not overruns:
        return None
    override_reason = (override_reason or "").strip()
    if override_reason and can_set_budget(actor)[0]:
        return BudgetOverride(area=area, stage=stage, reason=override_reason, granted_by=actor)
    pending = (
        BudgetOverride.objects.select_for_update()
        .filter(area=area, stage=stage, award__isnull=True)
        .order_by("granted_at")
        .first()
    )
    if pending is not None:
        return pending
    raise ValidationError(
        {
            "amount": "This award is over budget: "
            + "; ".join(overruns)
            + ". A programme manager can allow it, with a reason, on the round's budget page."
        }
    )


def budget_override_use(*, override, award, actor) -> None:
    """Link an override to the award it let through, and put it on the area's timeline."""
    if override is None:
        return
    override.award = award
    override.save()
    activity_record(
        verb="budget.overridden",
        summary=f"{award.get_stage_display()} grant of {pounds(award.amount)} awarded beyond "
        "the round's budget, overridden by a programme manager",
        actor=override.granted_by or actor,
        area=award.area,
        reason=override.reason,
        visibility=Visibility.STAFF,
        target=award,
        data={"override": override.pk},
    )


@transaction.atomic
def budget_override_grant(*, area, stage: str, reason: str, actor) -> BudgetOverride:
    """A programme manager allows the area's next award at `stage` to go beyond the budget."""
    require(can_set_budget(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this award may go beyond the budget."})
    override = BudgetOverride.objects.create(
        area=area, stage=stage, reason=reason, granted_by=actor
    )
    activity_record(
        verb="budget.override_granted",
        summary=f"Programme manager allowed a {Stage(stage).label} award beyond the round's budget",
        actor=actor,
        area=area,
        reason=reason,
        visibility=Visibility.STAFF,
        target=override,
    )
    return override


@transaction.atomic
def budget_set(*, round_, total: Decimal | None, actor) -> Round:
    """Set (or clear) the round's total budget."""
    require(can_set_budget(actor))
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    locked.budget_total = total
    locked.save(update_fields=["budget_total"])
    round_.budget_total = total
    activity_record(
        verb="budget.set",
        summary=f"{round_.name} budget set to {pounds(total) if total is not None else 'none'}",
        actor=actor,
        visibility=Visibility.STAFF,
        target=locked,
    )
    return round_


@transaction.atomic
def budget_line_set(
    *, round_, stage: str, financial_year: int | None, amount: Decimal | None, actor
) -> BudgetLine | None:
    """Set the budget for a stage, a financial year, or a stage in a year; an empty amount
    removes the line."""
    require(can_set_budget(actor))
    if not stage and financial_year is None:
        raise ValidationError(
            {"stage": "Choose a stage, a financial year or both (the round total is set above)."}
        )
    Round.objects.select_for_update().get(pk=round_.pk)
    existing = BudgetLine.objects.filter(
        round=round_, stage=stage or "", financial_year=financial_year
    )
    if amount is None:
        existing.delete()
        return None
    line, _ = BudgetLine.objects.update_or_create(
        round=round_,
        stage=stage or "",
        financial_year=financial_year,
        defaults={"amount": amount},
    )
    activity_record(
        verb="budget.line_set",
        summary=f"{round_.name} budget for {line} set to {pounds(amount)}",
        actor=actor,
        visibility=Visibility.STAFF,
        target=line,
    )
    return line
