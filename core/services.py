"""Writes of what every app shares: a person putting an item of their My work aside (snoozed
until a date, or dismissed with a reason) and bringing it back. Only ever the person's own view:
nobody else's My work, and nothing about the item itself, changes."""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .errors import require
from .models import HiddenWorkItem

# A group's kind is a provider's function name, with a part after a dot (core/mywork.py).
KIND = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z0-9_-]+)?$")
REF = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z0-9_]+):([0-9]{1,18})$")


def _target(kind: str, ref: str) -> tuple[ContentType, int]:
    match = REF.match(ref or "")
    if not KIND.match(kind or "") or len(kind) > 100 or not match:
        raise ValidationError("This item cannot be put aside.", code="unknown_item")
    try:
        content_type = ContentType.objects.get_by_natural_key(match[1], match[2])
    except ContentType.DoesNotExist:
        raise ValidationError("This item cannot be put aside.", code="unknown_item") from None
    return content_type, int(match[3])


def _local(url: str) -> str:
    """Only an address on this site is kept (it is shown as a link on the Hidden list)."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@transaction.atomic
def work_item_hide(
    *,
    actor,
    kind: str,
    ref: str,
    title: str = "",
    url: str = "",
    until: datetime.date | None = None,
    reason: str = "",
) -> HiddenWorkItem:
    """Put one item of `actor`'s own My work aside: snoozed until `until` (a day after today; it
    comes back that day) or, without a date, dismissed for `reason` (required, at most
    HiddenWorkItem.REASON_MAX characters). Putting the same item aside again replaces the
    earlier choice."""
    content_type, object_id = _target(kind, ref)
    reason = " ".join((reason or "").split())
    if until is not None:
        if until <= timezone.localdate():
            raise ValidationError(
                {"until": "Choose a day after today."}, code="snooze_not_in_future"
            )
        reason = ""
    else:
        if not reason:
            raise ValidationError(
                {"reason": "Say why you are dismissing it."}, code="reason_required"
            )
        if len(reason) > HiddenWorkItem.REASON_MAX:
            raise ValidationError(
                {"reason": f"Keep the reason to {HiddenWorkItem.REASON_MAX} characters."},
                code="reason_too_long",
            )
    hidden, _created = HiddenWorkItem.objects.update_or_create(
        user=actor,
        kind=kind,
        content_type=content_type,
        object_id=object_id,
        defaults={
            "until": until,
            "reason": reason,
            "title": (title or "")[:300],
            "url": _local(url or "")[:500],
            "created_at": timezone.now(),
        },
    )
    return hidden


@transaction.atomic
def work_item_restore(*, actor, hidden: HiddenWorkItem) -> None:
    """Bring a snoozed or dismissed item back onto its owner's My work."""
    require((hidden.user_id == actor.pk, "This is not on your My work."))
    hidden.delete()
