"""Progress returns: the schedule of return periods, the daily overdue flag, and saving and
submitting a return (``RETURN`` in ``delivery/workflows.py``)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import lock
from core.transition import transition
from core.validators import single_line_text
from plans.indicators import IndicatorUnit
from plans.workflows import PlanStatus
from programmes.models import Area, AreaStatus

from .. import permissions as delivery_perms
from ..comparisons import RETURN_DUE_DAYS, return_periods
from ..indicators import indicators_due
from ..models import (
    DELIVERY_STAGES,
    OBSTACLE_STATUSES,
    Factor,
    FactorKind,
    IndicatorValue,
    ProgressReturn,
    ProgressStatus,
    ReturnFactor,
    ReturnStatus,
)
from ..workflows import RETURN


def implementation_started_on(area: Area) -> datetime.date:
    """The day the area entered implementation.

    The rule: the date its operational plan was signed off (both parties), which the plans app
    records as the plan's decision time; an area without a signed-off plan (moved by an import or
    by hand) falls back to the day the area record last changed, which is when its stage was
    written.
    """
    # A missing one-to-one raises an AttributeError subclass, so getattr's default applies.
    plan = getattr(area, "operational_plan", None)
    if plan is not None and plan.status == PlanStatus.SIGNED_OFF and plan.decided_at:
        return timezone.localdate(plan.decided_at)
    return timezone.localdate(area.updated_at)


def returns_schedule(*, area: Area, starts_on: datetime.date | None = None) -> list[ProgressReturn]:
    """Create the area's missing return periods and return them all, oldest first.

    Periods run back to back every ``round.return_interval_months`` from the day the area
    entered implementation (``implementation_started_on``, or `starts_on` when an import knows
    better) until the round ends; each return is due RETURN_DUE_DAYS after its period ends. Areas
    not yet in implementation have no schedule.

    Idempotent: once an area has returns, the first one's start anchors the schedule (a plan
    signed off again later does not shift it), and periods are keyed by their start, so running it
    again, or twice at once, adds nothing.
    """
    if area.stage in DELIVERY_STAGES:
        first = (
            ProgressReturn.objects.filter(area=area, kind="regular")
            .order_by("period_start")
            .values_list("period_start", flat=True)
            .first()
        )
        periods = return_periods(
            starts_on=first or starts_on or implementation_started_on(area),
            ends_on=area.round.ends_on,
            interval_months=area.round.return_interval_months,
            due_days=RETURN_DUE_DAYS,
        )
        ProgressReturn.objects.bulk_create(
            [
                ProgressReturn(area=area, period_start=p.start, period_end=p.end, due_on=p.due_on)
                for p in periods
            ],
            ignore_conflicts=True,
        )
    return list(ProgressReturn.objects.filter(area=area).order_by("period_start"))


def returns_schedule_all() -> int:
    """Schedule every active area in implementation or Making it Happen; for the daily job."""
    count = 0
    for area in Area.objects.filter(stage__in=DELIVERY_STAGES, status="active").select_related(
        "round", "operational_plan"
    ):
        returns_schedule(area=area)
        count += 1
    return count


def returns_flag_overdue(*, today: datetime.date) -> int:
    """Tell the lead organisation and the relationship manager, once, about each return that has
    become overdue. Idempotent: a flagged return is never flagged again."""
    flagged = 0
    candidates = ProgressReturn.objects.filter(
        status=ReturnStatus.DRAFT,
        due_on__lt=today,
        overdue_flagged_at__isnull=True,
        area__status=AreaStatus.ACTIVE,  # an area that has left is no longer chased
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            locked = (
                ProgressReturn.objects.select_for_update()
                .select_related("area")
                .filter(pk=pk, status=ReturnStatus.DRAFT, overdue_flagged_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.overdue_flagged_at = timezone.now()
            locked.save(update_fields=["overdue_flagged_at"])
            activity_record(
                verb="progress_return.overdue",
                summary=f"Progress return for {locked.period_label} is overdue "
                f"(due {locked.due_on:%-d %b %Y})",
                area=locked.area,
                visibility=Visibility.AREA,
                target=locked,
                notify=[*lead_members(locked.area), relationship_manager(locked.area)],
            )
            flagged += 1
    return flagged


# Returns ----------------------------------------------------------------------------------------


def _kind_for(status: str) -> str:
    return FactorKind.OBSTACLE if status in OBSTACLE_STATUSES else FactorKind.ENABLER


def validate_factors(*, progress_status: str, factors: list[dict], complete: bool) -> None:
    """Areas behind (or not started) choose obstacles; areas on schedule or ahead choose enablers.
    "Other" needs a description. With `complete`, at least one factor is required."""
    errors: dict[str, list[str]] = {}
    seen = set()
    for f in factors:
        if f["factor"] not in Factor.values or f["kind"] not in FactorKind.values:
            errors.setdefault("factors", []).append("Choose factors from the list.")
        if f["factor"] in seen:
            errors.setdefault("factors", []).append("Choose each factor once.")
        seen.add(f["factor"])
        if f["factor"] == Factor.OTHER and not (f.get("other_text") or "").strip():
            key = "other_obstacle" if f["kind"] == FactorKind.OBSTACLE else "other_enabler"
            errors.setdefault(key, []).append("Describe the other factor.")
        elif f["factor"] == Factor.OTHER:
            try:
                single_line_text(f["other_text"].strip())
            except ValidationError as exc:
                key = "other_obstacle" if f["kind"] == FactorKind.OBSTACLE else "other_enabler"
                errors.setdefault(key, []).extend(exc.error_list)
    if progress_status:
        wanted = _kind_for(progress_status)
        wrong = [f for f in factors if f["kind"] != wanted]
        label = ProgressStatus(progress_status).label.lower()
        if wrong:
            key = "enablers" if wanted == FactorKind.OBSTACLE else "obstacles"
            errors.setdefault(key, []).append(
                f"You said the work is {label}: choose the {wanted}s that explain it, "
                f"not {FactorKind(wrong[0]['kind']).label.lower()}s."
            )
        elif complete and not factors:
            key = "obstacles" if wanted == FactorKind.OBSTACLE else "enablers"
            errors.setdefault(key, []).append(
                f"Choose at least one {wanted} that explains why the work is {label}."
            )
    elif complete:
        errors["progress_status"] = ["Say how the work is going against the plan."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def return_save(
    *,
    progress_return: ProgressReturn,
    actor,
    progress_status: str = "",
    milestones_met: str = "",
    achievements: str = "",
    steering_group_meeting: bool = False,
    mainstream_resources: bool = False,
    paid_staff: bool = False,
    service_users_reached: int = 0,
    factors: list[dict] | None = None,
    final: dict | None = None,
    indicator_values: list[dict] | None = None,
) -> ProgressReturn:
    """Save a draft return and replace its obstacles or enablers. `factors` is a list of
    {"factor", "kind", "other_text"}; `final`, for a final report, its outcomes achieved, money
    spent, spend against the award and lessons. `indicator_values`, when given, replaces the
    latest values of the plan's outcome indicators the return reports: a list of {"indicator"
    (id), "value", "note"}, each for an indicator the return asks about
    (``delivery.indicators.indicators_due``); a percentage from 0 to 100, a count or money not
    below 0, a note up to 500 characters on one line."""
    locked = lock(progress_return, related=("area",))
    require(delivery_perms.can_edit_return(actor, locked))
    if locked.is_final and final is not None:
        spent = final.get("spent")
        if spent is not None and spent < 0:
            raise ValidationError({"spent": "Enter an amount in pounds, 0 or more."})
        locked.outcomes_achieved = (final.get("outcomes_achieved") or "").strip()
        locked.spent = spent
        locked.spend_explained = (final.get("spend_explained") or "").strip()
        locked.lessons = (final.get("lessons") or "").strip()
    factors = factors or []
    if service_users_reached is None or int(service_users_reached) < 0:
        raise ValidationError({"service_users_reached": "Enter a number of people, 0 or more."})
    if progress_status and progress_status not in ProgressStatus.values:
        raise ValidationError({"progress_status": "Choose from the list."})
    validate_factors(progress_status=progress_status, factors=factors, complete=False)
    if indicator_values is not None:
        _save_indicator_values(locked, indicator_values)
    locked.progress_status = progress_status
    locked.milestones_met = milestones_met.strip()
    locked.achievements = achievements.strip()
    locked.steering_group_meeting = bool(steering_group_meeting)
    locked.mainstream_resources = bool(mainstream_resources)
    locked.paid_staff = bool(paid_staff)
    locked.service_users_reached = int(service_users_reached)
    locked.updated_by = actor
    locked.save()
    locked.factors.all().delete()
    ReturnFactor.objects.bulk_create(
        [
            ReturnFactor(
                progress_return=locked,
                factor=f["factor"],
                kind=f["kind"],
                other_text=(f.get("other_text") or "").strip()
                if f["factor"] == Factor.OTHER
                else "",
            )
            for f in factors
        ]
    )
    return locked


def _save_indicator_values(locked: ProgressReturn, given: list[dict]) -> None:
    due = {d.indicator.pk: d.indicator for d in indicators_due(locked)}
    errors: dict[str, list[str]] = {}
    rows = {}
    for item in given:
        indicator = due.get(int(getattr(item["indicator"], "pk", item["indicator"])))
        if indicator is None:
            raise ValidationError("This return does not ask about that indicator.")
        key = f"indicator_{indicator.pk}"
        try:
            value = Decimal(str(item["value"]))
            if not value.is_finite() or abs(value) >= Decimal("1e10"):
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            errors.setdefault(key, []).append("Enter a number.")
            continue
        if indicator.unit == IndicatorUnit.PERCENTAGE and not 0 <= value <= 100:
            errors.setdefault(key, []).append("A percentage is between 0 and 100.")
        elif indicator.unit in (IndicatorUnit.COUNT, IndicatorUnit.MONEY) and value < 0:
            errors.setdefault(key, []).append("Enter 0 or more.")
        note = (item.get("note") or "").strip()
        try:
            single_line_text(note)
            if len(note) > 500:
                raise ValidationError("Keep the note to 500 characters or fewer.")
        except ValidationError as exc:
            errors.setdefault(f"{key}_note", []).extend(exc.messages)
        rows[indicator.pk] = (value.quantize(Decimal("0.01")), note)
    if errors:
        raise ValidationError(errors)
    locked.indicator_values.exclude(indicator_id__in=list(rows)).delete()
    for indicator_id, (value, note) in rows.items():
        IndicatorValue.objects.update_or_create(
            progress_return=locked,
            indicator_id=indicator_id,
            defaults={"value": value, "note": note},
        )


def return_submit_preview(*, progress_return: ProgressReturn, actor, today=None):
    """Why ``return_submit`` would refuse to send the return now by the workflow table (the
    move from its state, who may make it, the submission window, a reviewer's comment left
    unanswered), as a MoveRefused, or None. Writes nothing: the return's page shows the reason
    in place of the Submit button, and ``return_submit`` asks the same function, so the two
    cannot disagree. The permission (the area's lead organisation, an editable return) is
    asked before this, and the return's content after it."""
    return RETURN.refusal(
        progress_return,
        ReturnStatus.SUBMITTED,
        actor,
        area=progress_return.area,
        progress_return=progress_return,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def return_submit(*, progress_return: ProgressReturn, actor, today=None) -> ProgressReturn:
    """Submit a complete return, or resubmit one sent back with changes requested. Refused once
    submitted, before its window opens (the last ``returns_open_days_before_end`` days of its
    period), with a reviewer's comment unanswered, or when the progress status or its obstacles
    or enablers are missing or mismatched. Notifies the relationship manager (and, on a
    resubmission, the reviewer who asked for the changes)."""
    today = today or timezone.localdate()
    locked = lock(progress_return, related=("area", "area__round"), of=("self",))
    # The permission first: its refusal says why this person may not ("This return has been
    # submitted, so it cannot be changed."); then the table, which is the rule for the move.
    require(delivery_perms.can_submit_return(actor, locked))
    refused = return_submit_preview(progress_return=locked, actor=actor, today=today)
    if refused is not None:
        raise refused
    resubmission = locked.status == ReturnStatus.CHANGES_REQUESTED
    now = timezone.now()

    def factors_complete(locked):
        # After the table: a return that cannot be sent says so, not what it lacks.
        factors = [
            {"factor": f.factor, "kind": f.kind, "other_text": f.other_text}
            for f in locked.factors.all()
        ]
        validate_factors(progress_status=locked.progress_status, factors=factors, complete=True)
        if locked.is_final:
            missing = {}
            if not locked.outcomes_achieved:
                missing["outcomes_achieved"] = "Say what the grant achieved against the plan."
            if locked.spent is None:
                missing["spent"] = "Enter the grant money you spent, in pounds."
            if missing:
                raise ValidationError(missing)
        return {"submitted_by": actor, "submitted_at": now}

    late = today > locked.due_on and not resubmission
    notify = [relationship_manager(locked.area)]
    if resubmission:
        last = locked.reviews.order_by("-decided_at", "-pk").select_related("reviewer").first()
        notify.append(last.reviewer if last else None)
    return transition(
        progress_return,
        ReturnStatus.SUBMITTED,
        workflow=RETURN,
        locked=locked,
        actor=actor,
        verb="progress_return.resubmitted" if resubmission else "progress_return.submitted",
        summary=(
            f"{locked.title} " if locked.is_final else f"Progress return for {locked.period_label} "
        )
        + ("resubmitted with answers to the review: " if resubmission else "submitted: ")
        + locked.get_progress_status_display().lower()
        + (" (late)" if late else ""),
        area=locked.area,
        visibility=Visibility.AREA,
        occurred_at=now,
        data={"progress_status": locked.progress_status, "late": late},
        notify=[u for u in dict.fromkeys(notify) if u is not None and u != actor],
        changes=factors_complete,
        relations=("area",),
        progress_return=locked,
        today=today,
    )
