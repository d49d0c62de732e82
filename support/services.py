"""Writes for the support package: adviser-day entitlements and bookings, relationship managers'
contacts, follow-ups and risks, reassignment of relationship managers, events."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import AreaAssignment, Role
from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.text import REASON_CHARS, require_within
from core.transition import transition
from core.validators import require_single_line

from . import permissions as perms
from .dates import check_in_round
from .models import (
    Adviser,
    AdviserDay,
    AdviserEntitlement,
    Event,
    EventInvitation,
    FollowUp,
    RiskLevel,
    SupportContact,
)
from .totals import DayTotals
from .workflows import BOOKING, BookingStatus


def days_label(value: Decimal) -> str:
    """1.5 -> "1.5", 2.0 -> "2"; the way people say days."""
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def days_unit(value) -> str:
    """ "day" for exactly one, "days" otherwise (0 days, 1.5 days, 2 days)."""
    return "day" if Decimal(value) == 1 else "days"


def days_phrase(value) -> str:
    """1 -> "1 day", 1.5 -> "1.5 days", 2.0 -> "2 days"."""
    return f"{days_label(value)} {days_unit(value)}"


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


def entitlement_add_awarded(
    sender, *, area, days, reason, actor, occurred_at, imported, **kwargs
) -> AdviserEntitlement:
    """The adviser days a decision gave an area (``applications.signals.adviser_days_awarded``,
    connected in ``support/apps.py``), added in the decision's transaction."""
    return entitlement_add(
        area=area, days=days, reason=reason, actor=actor, occurred_at=occurred_at, imported=imported
    )


def adviser_days_totals(*, area, leaving_out=None) -> DayTotals:
    """The area's entitlement, delivered and planned days (cancelled bookings count for nothing;
    `leaving_out` is a booking being changed)."""
    entitled = AdviserEntitlement.objects.filter(area=area).aggregate(t=Sum("days"))["t"]
    bookings = AdviserDay.objects.filter(area=area)
    if leaving_out is not None:
        bookings = bookings.exclude(pk=leaving_out.pk)
    sums = bookings.aggregate(
        delivered=Sum("days", filter=Q(status=BookingStatus.DELIVERED)),
        planned=Sum("days", filter=Q(status=BookingStatus.PLANNED)),
    )
    return DayTotals(
        Decimal(entitled or 0), Decimal(sums["delivered"] or 0), Decimal(sums["planned"] or 0)
    )


@transaction.atomic
def entitlement_raise(*, area, days: Decimal, reason: str, actor) -> AdviserEntitlement:
    """A programme manager adds adviser days to an area (for example extra consultancy days)."""
    require(perms.can_raise_entitlement(actor, area))
    # Lock the area row: raises, bookings and reassignments for one area queue behind each other.
    lock(area)
    return entitlement_add(area=area, days=days, reason=reason, actor=actor)


def _check_booking(booking: AdviserDay, *, adviser_changed: bool) -> DayTotals:
    """Validate a booking about to be saved, under the area's lock: an active adviser (a past
    booking keeps an adviser who has since left the list), a date in the round, and within what
    the area can still book."""
    if booking.adviser_id is None:
        raise ValidationError({"adviser": "Choose an adviser from the list."})
    if adviser_changed and not booking.adviser.active:
        raise ValidationError({"adviser": "This adviser is no longer on the list; choose another."})
    booking.full_clean(exclude=["area", "adviser"])
    area = booking.area
    check_in_round(booking.date, round=area.round, field="date", what="The booking date")
    lock(area)
    totals = adviser_days_totals(area=area, leaving_out=booking if booking.pk else None)
    if booking.days > totals.available:
        raise ValidationError(
            {
                "days": f"This booking would take the area to "
                f"{days_phrase(totals.delivered + totals.planned + booking.days)} of its "
                f"{days_label(totals.entitled)}-day entitlement (delivered and planned); ask a "
                f"programme manager to raise it."
            }
        )
    return totals


@transaction.atomic
def adviser_days_book(
    *,
    area,
    adviser: Adviser,
    date: datetime.date,
    days: Decimal,
    description: str = "",
    actor,
) -> AdviserDay:
    """Book external adviser time for an area: a planned booking, which counts as used only once
    it is marked delivered. Refused when delivered and planned days would go beyond the
    entitlement; the check runs under a lock on the area row so two bookings made at the same
    moment cannot both squeeze into the last day."""
    require(perms.can_book_adviser_days(actor, area))
    booking = AdviserDay(
        area=area,
        adviser=adviser,
        date=date,
        days=Decimal(days),
        description=description or "",
        booked_by=actor,
    )
    totals = _check_booking(booking, adviser_changed=True)
    booking.save()
    activity_record(
        verb="support.adviser_days_booked",
        summary=f"{days_label(booking.days)} adviser days planned with {adviser.name} on "
        f"{date:%d %b %Y} ({days_label(totals.delivered)} of {days_label(totals.entitled)} "
        f"used, {days_label(totals.planned + booking.days)} planned)",
        actor=actor,
        area=area,
        visibility=Visibility.AREA,
        target=booking,
        data={"days": str(booking.days), "entitlement": str(totals.entitled)},
    )
    return booking


@transaction.atomic
def adviser_day_update(
    *, booking: AdviserDay, actor, adviser: Adviser, date: datetime.date, days, description=""
) -> AdviserDay:
    """Change a planned booking (adviser, date, days, what for). Delivered and cancelled
    bookings are the record and stay as they are."""
    locked = lock(booking, related=("area", "area__round", "adviser"), of=("self",))
    require(perms.can_book_adviser_days(actor, locked.area))
    if not locked.is_planned:
        raise ValidationError(f"A {locked.get_status_display().lower()} booking cannot be changed.")
    before = f"{locked.adviser.name}, {locked.date:%d %b %Y}, {days_phrase(locked.days)}"
    adviser_changed = adviser.pk != locked.adviser_id
    locked.adviser, locked.date, locked.days = adviser, date, Decimal(days)
    locked.description = description or ""
    _check_booking(locked, adviser_changed=adviser_changed)
    locked.save()
    activity_record(
        verb="support.adviser_day_changed",
        summary=f"Adviser booking changed from {before} to {adviser.name}, {date:%d %b %Y}, "
        f"{days_phrase(locked.days)}",
        actor=actor,
        area=locked.area,
        visibility=Visibility.AREA,
        target=locked,
    )
    return copy_back(booking, locked, relations=("area", "adviser"))


@transaction.atomic
def adviser_day_deliver(*, booking: AdviserDay, actor, today=None) -> AdviserDay:
    """Mark a planned booking delivered, on or after its date: it now counts as used."""
    today = today or timezone.localdate()

    def summary(locked):
        # Read once the booking is saved as delivered, so the totals count it.
        totals = adviser_days_totals(area=locked.area)
        return (
            f"{days_label(locked.days)} adviser days with {locked.adviser.name} on "
            f"{locked.date:%d %b %Y} delivered ({days_label(totals.delivered)} of "
            f"{days_label(totals.entitled)} used)"
        )

    return transition(
        booking,
        BookingStatus.DELIVERED,
        workflow=BOOKING,
        actor=actor,
        verb="support.adviser_day_delivered",
        summary=summary,
        area=lambda locked: locked.area,
        visibility=Visibility.AREA,
        changes=lambda locked: {"delivered_at": timezone.now()},
        related=("area", "adviser"),
        of=("self",),
        check_context=lambda locked: {
            "area": locked.area,
            "booking": locked,
            **perms.booking_context(actor, locked.area),
        },
        today=today,
    )


CANCEL_REASON_CHARS = 300


@transaction.atomic
def adviser_day_cancel(*, booking: AdviserDay, actor, reason: str = "") -> AdviserDay:
    """Cancel a planned booking: its days are free to book again. A reason over
    CANCEL_REASON_CHARS is refused, never cut short."""
    require_single_line(reason=reason)
    require_within(CANCEL_REASON_CHARS, reason=reason)
    reason = (reason or "").strip()
    return transition(
        booking,
        BookingStatus.CANCELLED,
        workflow=BOOKING,
        actor=actor,
        verb="support.adviser_day_cancelled",
        summary=lambda locked: (
            f"Adviser booking with {locked.adviser.name} on {locked.date:%d %b %Y} "
            f"({days_phrase(locked.days)}) cancelled"
        ),
        area=lambda locked: locked.area,
        reason=reason,
        visibility=Visibility.AREA,
        changes=lambda locked: {"cancelled_at": timezone.now(), "cancelled_reason": reason},
        related=("area", "adviser"),
        of=("self",),
        check_context=lambda locked: {
            "area": locked.area,
            **perms.booking_context(actor, locked.area),
        },
    )


@transaction.atomic
def adviser_save(
    *, actor, name: str, organisation: str = "", email: str = "", active: bool = True, adviser=None
) -> Adviser:
    """Add an adviser to the list, or change one (`adviser`); names are unique, ignoring case."""
    require(perms.can_manage_advisers(actor))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter the adviser's name."})
    clash = Adviser.objects.filter(name__iexact=name)
    if adviser is not None:
        clash = clash.exclude(pk=adviser.pk)
    if clash.exists():
        raise ValidationError({"name": "An adviser with this name is already on the list."})
    adviser = lock(adviser) if adviser is not None else Adviser()
    adviser.name, adviser.organisation = name, (organisation or "").strip()
    adviser.email, adviser.active = (email or "").strip(), bool(active)
    adviser.full_clean(validate_constraints=False)
    adviser.save()
    activity_record(
        verb="support.adviser_saved",
        summary=f"Adviser {adviser.name} {'on the list' if adviser.active else 'taken off the list'}",
        actor=actor,
        target=adviser,
    )
    return adviser


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
    """Close a risk flagged at a contact, with a note of at most core.text.REASON_CHARS."""
    require_within(REASON_CHARS, note=note)
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
    require_single_line(attendee_names=attendee_names)
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
