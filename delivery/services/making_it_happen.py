"""Making it Happen: the sustainability plan and the match-funding commitments that go with the
area's Making it Happen gate application, and the commitments' moves (``COMMITMENT`` in
``delivery/workflows.py``)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from applications.models import GateApplication, GateStage, GateStatus
from core.errors import require
from core.money import pounds
from core.text import require_within
from core.transition import transition
from core.validators import require_single_line
from programmes.models import Area

from .. import permissions as delivery_perms
from ..models import (
    DELIVERY_STAGES,
    BodyType,
    CommitmentStatus,
    MakingItHappenApplication,
    MatchFundingCommitment,
)
from ..workflows import COMMITMENT


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
    *, area: Area, actor, sustainability_plan: str
) -> MakingItHappenApplication:
    """Create or update the area's Making it Happen application, attaching it to the area's
    Making it Happen gate application when there is one.

    It lives here rather than beside the other gate applications (``applications/``) because it
    is delivery's record, not the gate's: it is written during implementation, before and after
    the gate is decided, it carries the match-funding commitments that are paid in after the
    first year and tracked here, and an area moved into the stage without a gate still has one.
    The gate application decides the stage; this says how the work will be sustained."""
    require(delivery_perms.can_edit_delivery(actor, area))
    _check_mih_stage(area)
    application, made = MakingItHappenApplication.objects.select_for_update().get_or_create(
        area=area
    )
    application.sustainability_plan = sustainability_plan.strip()
    application.updated_by = actor
    if application.gate_id is None:
        application.gate = _making_it_happen_gate(area)
    application.save()
    activity_record(
        verb="making_it_happen.saved",
        summary="Making it Happen sustainability plan " + ("started" if made else "updated"),
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=application,
    )
    return application


@transaction.atomic
def commitment_add(
    *,
    area: Area,
    actor,
    public_body: str,
    body_type: str,
    amount: Decimal,
    expected_payment_on: datetime.date,
) -> MatchFundingCommitment:
    """Record a public body's commitment of match funding (status committed)."""
    require(delivery_perms.can_edit_delivery(actor, area))
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
    require_single_line(public_body=public_body)
    application, _ = MakingItHappenApplication.objects.get_or_create(
        area=area, defaults={"updated_by": actor, "gate": _making_it_happen_gate(area)}
    )
    commitment = MatchFundingCommitment.objects.create(
        application=application,
        public_body=public_body.strip(),
        body_type=body_type,
        amount=Decimal(amount),
        expected_payment_on=expected_payment_on,
        created_by=actor,
    )
    activity_record(
        verb="match_funding.committed",
        summary=f"Match funding committed: {pounds(commitment.amount)} from {commitment.public_body}",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=commitment,
        notify=[relationship_manager(area)],
    )
    return commitment


def _in_scope(actor):
    """The area scope, asked of the locked commitment before the table (whose refusal is a
    MoveRefused: a PermissionDenied, as these refusals have always been, and a ValidationError
    the page can show)."""
    return lambda locked: delivery_perms.can_edit_delivery(actor, locked.application.area)


@transaction.atomic
def commitment_confirm(*, commitment: MatchFundingCommitment, actor) -> MatchFundingCommitment:
    """A programme manager confirms the commitment (has seen the body's signed letter)."""
    return transition(
        commitment,
        CommitmentStatus.CONFIRMED,
        workflow=COMMITMENT,
        actor=actor,
        verb="match_funding.confirmed",
        summary=lambda locked: (
            f"Match funding confirmed: {pounds(locked.amount)} from {locked.public_body}"
        ),
        area=lambda locked: locked.application.area,
        visibility=Visibility.AREA,
        notify=lambda locked: lead_members(locked.application.area),
        changes=lambda locked: {"confirmed_at": timezone.now()},
        permission=_in_scope(actor),
        related=("application__area",),
        of=("self",),
    )


@transaction.atomic
def commitment_receive(
    *,
    commitment: MatchFundingCommitment,
    actor,
    received_on: datetime.date,
    received_amount: Decimal,
) -> MatchFundingCommitment:
    """Record that the confirmed money has been paid in (possibly a different amount)."""
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": "Enter the date it was received (not in future)."})
    if received_amount is None or Decimal(received_amount) < 0:
        raise ValidationError({"received_amount": "Enter the amount received, £0 or more."})
    return transition(
        commitment,
        CommitmentStatus.RECEIVED,
        workflow=COMMITMENT,
        actor=actor,
        verb="match_funding.received",
        summary=lambda locked: (
            f"Match funding received: {pounds(locked.received_amount)} from {locked.public_body}"
        ),
        area=lambda locked: locked.application.area,
        visibility=Visibility.AREA,
        notify=lambda locked: [relationship_manager(locked.application.area)],
        changes={"received_on": received_on, "received_amount": Decimal(received_amount)},
        permission=_in_scope(actor),
        related=("application__area",),
        of=("self",),
    )


# The withdrawal reason's box holds this much (maxlength); the service says so too.
WITHDRAW_REASON_CHARS = 500


@transaction.atomic
def commitment_withdraw(
    *, commitment: MatchFundingCommitment, actor, reason: str
) -> MatchFundingCommitment:
    """The body has pulled out: record why."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the commitment was withdrawn."})
    require_single_line(reason=reason)
    require_within(WITHDRAW_REASON_CHARS, reason=reason)
    return transition(
        commitment,
        CommitmentStatus.WITHDRAWN,
        workflow=COMMITMENT,
        actor=actor,
        verb="match_funding.withdrawn",
        summary=lambda locked: (
            f"Match funding withdrawn: {pounds(locked.amount)} from {locked.public_body}"
        ),
        area=lambda locked: locked.application.area,
        reason=reason.strip(),
        visibility=Visibility.AREA,
        notify=lambda locked: [relationship_manager(locked.application.area)],
        changes={"withdrawn_reason": reason.strip()},
        permission=_in_scope(actor),
        related=("application__area",),
        of=("self",),
    )
