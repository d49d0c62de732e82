"""Deadline extensions: a programme manager lets one area answer a milestone late, and a gate's
deadline is the milestone's date or the area's later extended date."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from programmes.models import Area, Milestone

from .. import permissions as app_perms
from ..models import DeadlineExtension


def gate_deadline(gate_or_area, milestone) -> tuple[datetime.date, DeadlineExtension | None]:
    """The date by which the area must answer `milestone`, and its extension if it has one (an
    extension to a date no later than the milestone's own changes nothing)."""
    area = getattr(gate_or_area, "area", gate_or_area)
    ext = DeadlineExtension.objects.filter(area=area, milestone=milestone).first()
    if ext is not None and ext.new_due_on > milestone.due_on:
        return ext.new_due_on, ext
    return milestone.due_on, ext


@transaction.atomic
def extension_grant(
    *,
    area: Area,
    milestone: Milestone,
    new_due_on: datetime.date,
    reason: str,
    actor,
    occurred_at=None,
    imported: bool = False,
) -> DeadlineExtension:
    """Let one area answer a milestone late. Granting again replaces the date."""
    require(app_perms.can_grant_extension(actor))
    reason = (reason or "").strip()
    if milestone.round_id != area.round_id:
        raise ValidationError({"milestone": "Choose a milestone from the area's own round."})
    if not reason:
        raise ValidationError({"reason": "Say why the deadline is extended."})
    if new_due_on <= milestone.due_on:
        raise ValidationError(
            {"new_due_on": f"The new deadline must be after {milestone.due_on:%-d %B %Y}."}
        )
    ext, _ = DeadlineExtension.objects.select_for_update().update_or_create(
        area=area,
        milestone=milestone,
        defaults={"new_due_on": new_due_on, "reason": reason, "granted_by": actor},
    )
    activity_record(
        verb="extension.granted",
        summary=f"Deadline for {milestone.name} extended to {new_due_on:%-d %B %Y}",
        actor=actor,
        area=area,
        reason=reason,
        visibility=Visibility.AREA,
        target=ext,
        occurred_at=occurred_at,
        imported=imported,
    )
    return ext
