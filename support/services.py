"""Writes for the support package: adviser-day entitlements and bookings, relationship managers'
contacts, follow-ups and risks, reassignment of relationship managers, events."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import AreaAssignment, Role
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock

from . import permissions as perms
from .dates import check_in_round
from .models import (
    AdviserDay,
    AdviserEntitlement,
    Event,
    EventInvitation,
    FollowUp,
    RiskLevel,
    SupportContact,
)


def days_label(value: Decimal) -> str:
    """1.5 -> "1.5", 2.0 -> "2"; the way people say days."""
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


@transaction.atomic
def entitlement_add(
    *,
    area,
    days: Decimal,
    reason: str,
    actor,
    occurred_at=None,
    imported: bool = False,
) -> AdviserEntitlement:
    """Add adviser days to an area's entitlement as a new row, so the history shows where the days
    came from (Getting Ready allowance, extra consultancy days, a raise by a programme manager).

    No permission check here: other services (admission, the Getting Going decision) call this
    after checking their own; `entitlement_raise` is the checked entry point for people.
    """
    days = Decimal(days)
    if days <= 0:
        raise ValidationError({"days": "Add more than zero days."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the days are being added."})
    entitlement = AdviserEntitlement(
        area=area,
        days=days,
        reason=reason.strip(),
        granted_by=actor if getattr(actor, "pk", None) else None,
        granted_at=occurred_at or timezone.now(),
        imported=imported,
    )
    entitlement.full_clean()
    entitlement.save()
    activity_record(
        verb="support.entitlement_added",
        summary=f"{days_label(days)} adviser days added to {area.reference}: {entitlement.reason}",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=entitlement,
        occurred_at=occurred_at,
        imported=imported,
        data={"days": str(days)},
    )
    return entitlement


def adviser_days_totals(*, area) -> tuple[Decimal, Decimal]:
    """(entitlement, used) in days for the area."""
    entitled = AdviserEntitlement.objects.filter(area=area).aggregate(t=Sum("days"))["t"]
    used = AdviserDay.objects.filter(area=area).aggregate(t=Sum("days"))["t"]
    return Decimal(entitled or 0), Decimal(used or 0)


@transaction.atomic
def entitlement_raise(*, area, days: Decimal, reason: str, actor) -> AdviserEntitlement:
    """A programme manager adds adviser days to an area (for example extra consultancy days)."""
    require(perms.can_raise_entitlement(actor, area))
    # Lock the area row: raises, bookings and reassignments for one area queue behind each other.
    lock(area)
    return entitlement_add(area=area, days=days, reason=reason, actor=actor)


@transaction.atomic
def adviser_days_book(
    *,
    area,
    adviser_name: str,
    date: datetime.date,
    days: Decimal,
    description: str = "",
    actor,
) -> AdviserDay:
    """Book external adviser time for an area. Refused when it would take the area beyond its
    entitlement; the check runs under a lock on the area row so two bookings made at the same
    moment cannot both squeeze into the last day."""
    require(perms.can_book_adviser_days(actor, area))
    days = Decimal(days)
    booking = AdviserDay(
        area=area,
        adviser_name=(adviser_name or "").strip(),
        date=date,
        days=days,
        description=description or "",
        booked_by=actor,
    )
    booking.full_clean()
    check_in_round(date, round=area.round, field="date", what="The booking date")
    lock(area)
    entitled, used = adviser_days_totals(area=area)
    if used + days > entitled:
        raise ValidationError(
            {
                "days": f"This booking would take the area to {days_label(used + days)} days of its "
                f"{days_label(entitled)}-day entitlement; ask a programme manager to raise it."
            }
        )
    booking.save()
    activity_record(
        verb="support.adviser_days_booked",
        summary=f"{days_label(days)} adviser days with {booking.adviser_name} on "
        f"{date:%d %b %Y} ({days_label(used + days)} of {days_label(entitled)} used)",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=booking,
        data={"days": str(days), "used": str(used + days), "entitlement": str(entitled)},
    )
    return booking


@transaction.atomic
def assignment_change(*, area, user, actor, started_on=None) -> AreaAssignment:
    """Make `user` the area's relationship manager from `started_on` (default today): the current
    assignment ends that day and a new one starts, so the history is kept."""
    require(perms.can_change_assignment(actor, area))
    if getattr(user, "role", None) != Role.RELATIONSHIP_MANAGER or not user.is_active:
        raise ValidationError({"user": "Choose an active relationship manager."})
    started_on = started_on or timezone.localdate()
    check_in_round(started_on, round=area.round, field="started_on", what="The assignment's start")
    lock(area)
    current = (
        AreaAssignment.objects.select_for_update()
        .filter(area=area, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    if current is not None:
        if current.user_id == user.pk:
            raise ValidationError({"user": f"{user} already looks after this area."})
        if started_on < current.started_on:
            raise ValidationError(
                {
                    "started_on": f"The new assignment cannot start before the current one "
                    f"({current.started_on:%d %b %Y})."
                }
            )
        current.ended_on = started_on
        current.save(update_fields=["ended_on"])
    assignment = AreaAssignment.objects.create(area=area, user=user, started_on=started_on)
    previous = f" (was {current.user})" if current is not None else ""
    activity_record(
        verb="support.relationship_manager_changed",
        summary=f"{user} looks after {area.reference} from {started_on:%d %b %Y}{previous}",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=assignment,
        data={"previous_user": current.user_id if current else None, "user": user.pk},
        notify=[user] + ([current.user] if current is not None else []),
    )
    return assignment


@transaction.atomic
def contact_log(
    *,
    area,
    actor,
    date: datetime.date,
    kind: str,
    duration_minutes: int | None = None,
    participants: str = "",
    notes: str = "",
    risk_level: str = RiskLevel.NONE,
    risk_description: str = "",
    followups: Iterable[dict] = (),
) -> SupportContact:
    """Log a contact with an area, with any follow-up actions agreed (each a dict of `action`,
    `due_on` and optionally `owner`, default the person logging) and an optional risk flag."""
    require(perms.can_log_contact(actor, area))
    contact = SupportContact(
        area=area,
        date=date,
        kind=kind,
        duration_minutes=duration_minutes,
        participants=participants or "",
        notes=notes or "",
        logged_by=actor,
        risk_level=risk_level or RiskLevel.NONE,
        risk_description=risk_description or "",
    )
    contact.full_clean()
    contact.save()
    actions = []
    for item in followups:
        followup = FollowUp(
            contact=contact,
            area=area,
            action=(item.get("action") or "").strip(),
            due_on=item.get("due_on"),
            owner=item.get("owner") or actor,
        )
        followup.full_clean()
        actions.append(followup)
    FollowUp.objects.bulk_create(actions)
    summary = f"{contact.get_kind_display()} with {area.reference} logged"
    if contact.has_risk:
        summary += f"; {contact.get_risk_level_display().lower()} risk flagged"
    if actions:
        summary += f"; {len(actions)} follow-up action{'s' if len(actions) != 1 else ''}"
    activity_record(
        verb="support.contact_logged",
        summary=summary,
        actor=actor,
        area=area,
        visibility=Visibility.STAFF,
        target=contact,
        # The timeline shows the contact on the day it happened, not the day it was typed up.
        occurred_at=None
        if date >= timezone.localdate()
        else timezone.make_aware(datetime.datetime.combine(date, datetime.time(12))),
        data={"risk_level": contact.risk_level, "followups": len(actions)},
        notify=[f.owner for f in actions],
    )
    return contact


@transaction.atomic
def followup_complete(*, followup: FollowUp, actor) -> FollowUp:
    """Mark a follow-up action done."""
    locked = lock(followup, related=("area",))
    require(perms.can_complete_followup(actor, locked))
    if locked.done_at is not None:
        raise ValidationError("This action is already done.")
    locked.done_at = timezone.now()
    locked.done_by = actor
    locked.save(update_fields=["done_at", "done_by"])
    activity_record(
        verb="support.followup_done",
        summary=f"Follow-up done: {locked.action}",
        actor=actor,
        area=locked.area,
        target=locked,
    )
    return copy_back(followup, locked, relations=("area",))


@transaction.atomic
def risk_resolve(*, contact: SupportContact, actor, note: str = "") -> SupportContact:
    """Close a risk flagged at a contact."""
    locked = lock(contact, related=("area",))
    require(perms.can_resolve_risk(actor, locked))
    if not locked.has_risk:
        raise ValidationError("No risk was flagged at this contact.")
    if locked.risk_resolved_at is not None:
        raise ValidationError("This risk is already resolved.")
    locked.risk_resolved_at = timezone.now()
    locked.risk_resolved_by = actor
    locked.save(update_fields=["risk_resolved_at", "risk_resolved_by"])
    activity_record(
        verb="support.risk_resolved",
        summary=f"{locked.get_risk_level_display()} risk resolved for {locked.area.reference}",
        actor=actor,
        area=locked.area,
        reason=note,
        target=locked,
    )
    return copy_back(contact, locked, relations=("area",))


@transaction.atomic
def event_create(
    *,
    actor,
    title: str,
    kind: str,
    starts_at: datetime.datetime,
    round=None,
    location: str = "",
    description: str = "",
) -> Event:
    """Create an induction, webinar, peer learning hub or CBA training event."""
    require(perms.can_manage_events(actor))
    event = Event(
        title=(title or "").strip(),
        kind=kind,
        round=round,
        starts_at=starts_at,
        location=location or "",
        description=description or "",
        created_by=actor,
    )
    event.full_clean()
    check_in_round(starts_at, round=round, field="starts_at", what="The event's date")
    event.save()
    activity_record(
        verb="support.event_created",
        summary=f"{event.get_kind_display()} created: {event.title}",
        actor=actor,
        target=event,
    )
    return event


@transaction.atomic
def event_invite(*, event: Event, areas: Iterable, actor) -> list[EventInvitation]:
    """Invite areas to an event. Areas already invited are left as they are; returns the new
    invitations."""
    require(perms.can_manage_events(actor))
    event = lock(event)
    areas = list(areas)
    already = set(
        EventInvitation.objects.filter(event=event, area__in=areas).values_list(
            "area_id", flat=True
        )
    )
    now = timezone.now()
    created = []
    for area in areas:
        if area.pk in already:
            continue
        already.add(area.pk)
        created.append(EventInvitation.objects.create(event=event, area=area, invited_at=now))
        activity_record(
            verb="support.event_invited",
            summary=f"Invited to {event.get_kind_display().lower()}: {event.title} on "
            f"{timezone.localtime(event.starts_at):%d %b %Y}",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=event,
        )
    return created


@transaction.atomic
def attendance_record(
    *, invitation: EventInvitation, attended: bool | None, attendee_names: str = "", actor
) -> EventInvitation:
    """Record whether an invited area came, and who from the area."""
    require(perms.can_manage_events(actor))
    invitation = lock(invitation, related=("event", "area"))
    if attended is False and (attendee_names or "").strip():
        raise ValidationError(
            {"attendee_names": "Leave the names blank for an area that did not attend."}
        )
    changed = (invitation.attended, invitation.attendee_names) != (
        attended,
        (attendee_names or "").strip(),
    )
    invitation.attended = attended
    invitation.attendee_names = (attendee_names or "").strip()
    invitation.save(update_fields=["attended", "attendee_names"])
    if changed and attended is not None:
        activity_record(
            verb="support.event_attendance",
            summary=f"{'Attended' if attended else 'Did not attend'}: {invitation.event.title}",
            actor=actor,
            area=invitation.area,
            visibility=Visibility.AREA,
            target=invitation.event,
        )
    return invitation
