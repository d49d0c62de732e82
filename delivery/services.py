"""Writes for the delivery stage: the return schedule and returns, funding secured, CBA outturn,
and the Making it Happen application with its match-funding commitments.

Every service checks the user's permission (``delivery/permissions.py``), validates beside the
database constraints, and writes the audit trail. Views, admin, demo and tasks all call these.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from applications.models import GateApplication, GateStage, GateStatus
from plans.models import BenefitLine, CostLine, FundingSource
from plans.workflows import PlanStatus
from programmes.models import Area, AreaStage, AreaStatus

from . import permissions as delivery_perms
from . import workflows
from .comparisons import RETURN_DUE_DAYS, return_periods
from .models import (
    OBSTACLE_STATUSES,
    Arrangement,
    BodyType,
    CbaOutturnLine,
    CommitmentStatus,
    Factor,
    FactorKind,
    FundingRecord,
    LineKind,
    MakingItHappenApplication,
    MatchFundingCommitment,
    ProgressReturn,
    ProgressStatus,
    ReturnFactor,
    ReturnStatus,
)

DELIVERY_STAGES = (AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN)


# Return schedule --------------------------------------------------------------------------------


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
            ProgressReturn.objects.filter(area=area)
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


RETURN_FIELDS = (
    "progress_status",
    "milestones_met",
    "achievements",
    "steering_group_meeting",
    "mainstream_resources",
    "paid_staff",
    "service_users_reached",
)


@transaction.atomic
def return_save(
    *,
    progress_return: ProgressReturn,
    user,
    progress_status: str = "",
    milestones_met: str = "",
    achievements: str = "",
    steering_group_meeting: bool = False,
    mainstream_resources: bool = False,
    paid_staff: bool = False,
    service_users_reached: int = 0,
    factors: list[dict] | None = None,
) -> ProgressReturn:
    """Save a draft return and replace its obstacles or enablers. `factors` is a list of
    {"factor", "kind", "other_text"}."""
    locked = (
        ProgressReturn.objects.select_for_update().select_related("area").get(pk=progress_return.pk)
    )
    require(delivery_perms.can_edit_return(user, locked))
    factors = factors or []
    if service_users_reached is None or int(service_users_reached) < 0:
        raise ValidationError({"service_users_reached": "Enter a number of people, 0 or more."})
    if progress_status and progress_status not in ProgressStatus.values:
        raise ValidationError({"progress_status": "Choose from the list."})
    validate_factors(progress_status=progress_status, factors=factors, complete=False)
    locked.progress_status = progress_status
    locked.milestones_met = milestones_met.strip()
    locked.achievements = achievements.strip()
    locked.steering_group_meeting = bool(steering_group_meeting)
    locked.mainstream_resources = bool(mainstream_resources)
    locked.paid_staff = bool(paid_staff)
    locked.service_users_reached = int(service_users_reached)
    locked.updated_by = user
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


@transaction.atomic
def return_submit(*, progress_return: ProgressReturn, user, today=None) -> ProgressReturn:
    """Submit a complete return. Refused once submitted, before its period has started, or when
    the progress status or its obstacles or enablers are missing or mismatched. Notifies the
    relationship manager."""
    today = today or timezone.localdate()
    locked = (
        ProgressReturn.objects.select_for_update().select_related("area").get(pk=progress_return.pk)
    )
    require(delivery_perms.can_submit_return(user, locked))
    if today < locked.period_start:
        raise ValidationError("This return's period has not started yet.")
    factors = [
        {"factor": f.factor, "kind": f.kind, "other_text": f.other_text}
        for f in locked.factors.all()
    ]
    validate_factors(progress_status=locked.progress_status, factors=factors, complete=True)
    now = timezone.now()
    locked.status = ReturnStatus.SUBMITTED
    locked.submitted_by, locked.submitted_at = user, now
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    late = today > locked.due_on
    activity_record(
        verb="progress_return.submitted",
        summary=f"Progress return for {locked.period_label} submitted: "
        f"{locked.get_progress_status_display().lower()}" + (" (late)" if late else ""),
        actor=user,
        area=locked.area,
        visibility=Visibility.AREA,
        target=locked,
        occurred_at=now,
        data={"progress_status": locked.progress_status, "late": late},
        notify=[relationship_manager(locked.area)],
    )
    progress_return.status, progress_return.submitted_at = locked.status, locked.submitted_at
    progress_return.submitted_by = user
    return locked


# Funding secured --------------------------------------------------------------------------------


def _check_funding(source, year, arrangement, amount, funder_name):
    errors = {}
    if source not in FundingSource.values:
        errors["source"] = "Choose a funding source."
    if year is None or not 2000 <= int(year) <= 2100:
        errors["year"] = "Enter the year the financial year starts, e.g. 2027."
    if arrangement not in Arrangement.values:
        errors["arrangement"] = "Choose an arrangement."
    if amount is None or Decimal(amount) < 0:
        errors["amount"] = "Enter an amount of £0 or more."
    if not (funder_name or "").strip():
        errors["funder_name"] = "Say who provides the money."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def funding_record_save(
    *,
    area: Area,
    user,
    source: str,
    year: int,
    amount: Decimal,
    funder_name: str,
    arrangement: str = Arrangement.NONE,
    notes: str = "",
    record: FundingRecord | None = None,
) -> FundingRecord:
    """Record (or correct) money secured for the area."""
    require(delivery_perms.can_edit_delivery(user, area))
    _check_funding(source, year, arrangement, amount, funder_name)
    if record is not None:
        record = FundingRecord.objects.select_for_update().get(pk=record.pk, area=area)
    else:
        record = FundingRecord(area=area)
    is_new = record.pk is None
    record.source, record.year, record.arrangement = source, int(year), arrangement
    record.amount, record.funder_name = Decimal(amount), funder_name.strip()
    record.notes, record.recorded_by = notes.strip(), user
    record.save()
    activity_record(
        verb="funding.recorded" if is_new else "funding.updated",
        summary=f"Funding secured {'recorded' if is_new else 'updated'}: £{record.amount:,.2f} "
        f"from {record.funder_name} ({record.get_source_display()}, {record.year_label})",
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=record,
    )
    return record


@transaction.atomic
def funding_record_delete(*, record: FundingRecord, user) -> None:
    require(delivery_perms.can_edit_delivery(user, record.area))
    activity_record(
        verb="funding.removed",
        summary=f"Funding record removed: £{record.amount:,.2f} from {record.funder_name}",
        actor=user,
        area=record.area,
        visibility=Visibility.AREA,
    )
    record.delete()


# CBA outturn ------------------------------------------------------------------------------------


@transaction.atomic
def outturn_line_save(
    *,
    area: Area,
    user,
    kind: str,
    actual_amount: Decimal,
    year: int | None = None,
    cost_line: CostLine | None = None,
    benefit_line: BenefitLine | None = None,
    description: str = "",
    notes: str = "",
    line: CbaOutturnLine | None = None,
) -> CbaOutturnLine:
    """Record what a forecast cost or benefit actually came to (or an unforeseen one, with a
    description and year). A forecast line has one outturn; its year is the forecast's."""
    require(delivery_perms.can_edit_delivery(user, area))
    cba = getattr(area, "cba", None)
    if cba is None:
        raise ValidationError("This area has no cost benefit analysis to compare with.")
    errors = {}
    if kind not in LineKind.values:
        errors["kind"] = "Choose cost or benefit."
    forecast = cost_line if kind == LineKind.COST else benefit_line
    other = benefit_line if kind == LineKind.COST else cost_line
    if other is not None:
        errors["kind"] = f"A {kind} outturn can only answer a forecast {kind} line."
    if forecast is not None:
        if forecast.cba_id != cba.pk:
            errors["forecast_line"] = "Choose a line from this area's analysis."
        else:
            year = forecast.year
            taken = CbaOutturnLine.objects.filter(**{f"{kind}_line": forecast})
            if line is not None:
                taken = taken.exclude(pk=line.pk)
            if taken.exists():
                errors["forecast_line"] = "This forecast line already has an outturn: edit it."
    elif not description.strip():
        errors["description"] = "Describe the cost or benefit the analysis did not foresee."
    if year is None or int(year) < 0:
        errors["year"] = "Enter the year (0 is the first year)."
    if actual_amount is None or Decimal(actual_amount) < 0:
        errors["actual_amount"] = "Enter an amount of £0 or more."
    if errors:
        raise ValidationError(errors)
    if line is not None:
        line = CbaOutturnLine.objects.select_for_update().get(pk=line.pk, area=area)
    else:
        line = CbaOutturnLine(area=area)
    is_new = line.pk is None
    line.kind = kind
    line.cost_line = cost_line if kind == LineKind.COST else None
    line.benefit_line = benefit_line if kind == LineKind.BENEFIT else None
    line.year = int(year)
    line.description = description.strip() or (forecast.description if forecast else "")
    line.actual_amount = Decimal(actual_amount)
    line.notes, line.recorded_by = notes.strip(), user
    line.save()
    activity_record(
        verb="cba_outturn.recorded" if is_new else "cba_outturn.updated",
        summary=f"CBA outturn {'recorded' if is_new else 'updated'}: {line.description} "
        f"(year {line.year}) £{line.actual_amount:,.2f}",
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=line,
    )
    return line


@transaction.atomic
def outturn_line_delete(*, line: CbaOutturnLine, user) -> None:
    require(delivery_perms.can_edit_delivery(user, line.area))
    activity_record(
        verb="cba_outturn.removed",
        summary=f"CBA outturn removed: {line.description} (year {line.year})",
        actor=user,
        area=line.area,
        visibility=Visibility.AREA,
    )
    line.delete()


# Making it Happen -------------------------------------------------------------------------------


def _making_it_happen_gate(area) -> GateApplication | None:
    return (
        GateApplication.objects.filter(area=area, target_stage=GateStage.MAKING_IT_HAPPEN)
        .exclude(status__in=[GateStatus.REJECTED, GateStatus.WITHDRAWN])
        .order_by("-created_at")
        .first()
    )


def _check_mih_stage(area):
    if area.stage not in DELIVERY_STAGES:
        raise ValidationError("Making it Happen is prepared once the area is in implementation.")


@transaction.atomic
def mih_application_save(
    *, area: Area, user, sustainability_plan: str
) -> MakingItHappenApplication:
    """Create or update the area's Making it Happen application, attaching it to the area's
    Making it Happen gate application when there is one."""
    require(delivery_perms.can_edit_delivery(user, area))
    _check_mih_stage(area)
    application, made = MakingItHappenApplication.objects.select_for_update().get_or_create(
        area=area
    )
    application.sustainability_plan = sustainability_plan.strip()
    application.updated_by = user
    if application.gate_id is None:
        application.gate = _making_it_happen_gate(area)
    application.save()
    activity_record(
        verb="making_it_happen.saved",
        summary="Making it Happen sustainability plan " + ("started" if made else "updated"),
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=application,
    )
    return application


@transaction.atomic
def commitment_add(
    *,
    area: Area,
    user,
    public_body: str,
    body_type: str,
    amount: Decimal,
    expected_payment_on: datetime.date,
) -> MatchFundingCommitment:
    """Record a public body's commitment of match funding (status committed)."""
    require(delivery_perms.can_edit_delivery(user, area))
    _check_mih_stage(area)
    errors = {}
    if not public_body.strip():
        errors["public_body"] = "Name the public body."
    if body_type not in BodyType.values:
        errors["body_type"] = "Choose the kind of body."
    if amount is None or Decimal(amount) <= 0:
        errors["amount"] = "Enter the amount committed (more than £0)."
    if expected_payment_on is None:
        errors["expected_payment_on"] = "Say when the money is expected."
    if errors:
        raise ValidationError(errors)
    application, _ = MakingItHappenApplication.objects.get_or_create(
        area=area, defaults={"updated_by": user, "gate": _making_it_happen_gate(area)}
    )
    commitment = MatchFundingCommitment.objects.create(
        application=application,
        public_body=public_body.strip(),
        body_type=body_type,
        amount=Decimal(amount),
        expected_payment_on=expected_payment_on,
        created_by=user,
    )
    activity_record(
        verb="match_funding.committed",
        summary=f"Match funding committed: £{commitment.amount:,.2f} from {commitment.public_body}",
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=commitment,
        notify=[relationship_manager(area)],
    )
    return commitment


def _move_commitment(commitment, to_state, user) -> tuple[MatchFundingCommitment, Area]:
    """Lock the commitment, check scope, role and state; the caller writes the rest."""
    locked = MatchFundingCommitment.objects.select_for_update().get(pk=commitment.pk)
    area = Area.objects.get(pk=locked.application.area_id)
    require(delivery_perms.can_edit_delivery(user, area))
    allowed, reason = workflows.check_move(locked.status, to_state, user)
    if not allowed:
        raise PermissionDenied(reason)
    locked.status = to_state
    return locked, area


def _after_move(commitment, locked):
    for name in ("status", "confirmed_at", "received_on", "received_amount", "withdrawn_reason"):
        setattr(commitment, name, getattr(locked, name))
    return locked


@transaction.atomic
def commitment_confirm(*, commitment: MatchFundingCommitment, user) -> MatchFundingCommitment:
    """A programme manager confirms the commitment (has seen the body's signed letter)."""
    locked, area = _move_commitment(commitment, CommitmentStatus.CONFIRMED, user)
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_at"])
    activity_record(
        verb="match_funding.confirmed",
        summary=f"Match funding confirmed: £{locked.amount:,.2f} from {locked.public_body}",
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=locked,
        notify=lead_members(area),
    )
    return _after_move(commitment, locked)


@transaction.atomic
def commitment_receive(
    *,
    commitment: MatchFundingCommitment,
    user,
    received_on: datetime.date,
    received_amount: Decimal,
) -> MatchFundingCommitment:
    """Record that the confirmed money has been paid in (possibly a different amount)."""
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": "Enter the date it was received (not in future)."})
    if received_amount is None or Decimal(received_amount) < 0:
        raise ValidationError({"received_amount": "Enter the amount received, £0 or more."})
    locked, area = _move_commitment(commitment, CommitmentStatus.RECEIVED, user)
    locked.received_on, locked.received_amount = received_on, Decimal(received_amount)
    locked.save(update_fields=["status", "received_on", "received_amount"])
    activity_record(
        verb="match_funding.received",
        summary=f"Match funding received: £{locked.received_amount:,.2f} from {locked.public_body}",
        actor=user,
        area=area,
        visibility=Visibility.AREA,
        target=locked,
        notify=[relationship_manager(area)],
    )
    return _after_move(commitment, locked)


@transaction.atomic
def commitment_withdraw(
    *, commitment: MatchFundingCommitment, user, reason: str
) -> MatchFundingCommitment:
    """The body has pulled out: record why."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the commitment was withdrawn."})
    locked, area = _move_commitment(commitment, CommitmentStatus.WITHDRAWN, user)
    locked.withdrawn_reason = reason.strip()
    locked.save(update_fields=["status", "withdrawn_reason"])
    activity_record(
        verb="match_funding.withdrawn",
        summary=f"Match funding withdrawn: £{locked.amount:,.2f} from {locked.public_body}",
        actor=user,
        area=area,
        reason=locked.withdrawn_reason,
        visibility=Visibility.AREA,
        target=locked,
        notify=[relationship_manager(area)],
    )
    return _after_move(commitment, locked)
