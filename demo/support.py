"""Demo data for the support package: Getting Ready adviser allowances, the list of advisers
(one off the list), some adviser days delivered and some planned,
a few months of relationship managers' contacts (some with risks and open or overdue follow-ups
for the user "rm"), and four events with invitations and attendance.

Builds on demo.areas' context; deterministic (seeded random); skipped when contacts exist.
Creation goes through the services, with dates set afterwards where the demo needs history.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import AreaAssignment
from programmes.models import AreaStatus
from support import services
from support.models import (
    Adviser,
    AdviserDay,
    AdviserEntitlement,
    ContactKind,
    EventInvitation,
    EventKind,
    FollowUp,
    RiskLevel,
    SupportContact,
)

NOTES = [
    "Talked through the development strategy and who needs to be round the table.",
    "Walked the neighbourhood with the chair; agreed to approach the housing association.",
    "Logic model workshop with the steering group; outcomes still too broad.",
    "Call about the Getting Going application and the cost benefit analysis.",
    "Met the council's commissioning lead with the lead organisation.",
    "Reviewed the draft operational plan; the funding section needs sources and amounts.",
]
PARTICIPANTS = ["Chair and coordinator", "Project lead", "Steering group (6)", "Chief officer"]
ACTIONS = [
    "Send the logic model template",
    "Introduce the CBA specialist",
    "Share a partnership agreement example",
    "Chase the council's letter of support",
    "Book the adviser's second day",
]
RISKS = [
    (RiskLevel.HIGH, "The project coordinator is leaving and there is no successor."),
    (RiskLevel.MEDIUM, "The council's commissioning lead has stopped replying."),
    (RiskLevel.LOW, "The steering group is small and meets rarely."),
]
ADVISERS = ["Ruth Baker Associates", "Chris Dunn Consulting", "Anita Patel"]
# Off the list: kept for the record, not offered for new bookings.
FORMER_ADVISER = "Hollis Community Consulting"


def _advisers(pm) -> dict:
    found = {a.name: a for a in Adviser.objects.all()}
    for name in [*ADVISERS, FORMER_ADVISER]:
        if name not in found:
            found[name] = services.adviser_save(actor=pm, name=name, active=name != FORMER_ADVISER)
    return found


def load(ctx):
    if ctx is None or SupportContact.objects.exists():
        return ctx
    rng = random.Random(5)
    today = timezone.localdate()
    pm = ctx.users["pm"]
    current = dict(
        AreaAssignment.objects.filter(ended_on__isnull=True).values_list("area_id", "user_id")
    )
    users = {u.pk: u for u in ctx.users.values()}
    advisers = _advisers(pm)
    # Planned (future) bookings use their own generator so the rest of the demo stays the same.
    plan_rng = random.Random(14)

    for i, area in enumerate(ctx.areas):
        if not AdviserEntitlement.objects.filter(area=area).exists():
            services.entitlement_add(
                area=area,
                days=Decimal("1.5"),
                reason="Getting Ready adviser allowance",
                actor=pm,
                occurred_at=timezone.make_aware(
                    datetime.datetime.combine(area.joined_on, datetime.time(9))
                ),
            )
        rm = users.get(current.get(area.pk)) or ctx.users["rm"]
        if area.status != AreaStatus.ACTIVE or i % 7 == 6:
            continue  # most areas, not all, have a contact history
        # Adviser days used: some areas have used part or all of the allowance (delivered), and
        # some have a day planned in the coming weeks.
        if i % 3 == 0:
            booking = services.adviser_days_book(
                area=area,
                adviser=advisers[rng.choice(ADVISERS)],
                date=today - datetime.timedelta(days=rng.randint(20, 80)),
                days=Decimal(rng.choice(["0.5", "1", "1.5"])),
                description="Facilitated the logic model session.",
                actor=pm,
            )
            services.adviser_day_deliver(booking=booking, actor=pm)
            AdviserDay.objects.filter(pk=booking.pk).update(booked_by=rm)
        elif i % 3 == 1:
            booking = services.adviser_days_book(
                area=area,
                adviser=advisers[plan_rng.choice(ADVISERS)],
                date=today + datetime.timedelta(days=plan_rng.randint(5, 40)),
                days=Decimal(plan_rng.choice(["0.5", "1"])),
                description="Workshop on the operational plan's funding section.",
                actor=pm,
            )
            AdviserDay.objects.filter(pk=booking.pk).update(booked_by=rm)
        # Contacts over the last months, oldest first; some areas are overdue a contact.
        last_gap = rng.choice([3, 9, 16, 24, 38, 52])
        dates = sorted(
            {today - datetime.timedelta(days=last_gap + rng.randint(0, 150)) for _ in range(3)}
            | {today - datetime.timedelta(days=last_gap)}
        )
        for n, when in enumerate(dates):
            latest = n == len(dates) - 1
            risk_level, risk_description = RiskLevel.NONE, ""
            if latest and i % 5 == 0:
                risk_level, risk_description = RISKS[i % len(RISKS)]
            followups = []
            if latest and i % 2 == 0:
                due = when + datetime.timedelta(days=rng.choice([7, 14, 21]))
                followups.append({"action": rng.choice(ACTIONS), "due_on": due, "owner": rm})
            contact = services.contact_log(
                area=area,
                actor=rm if rm.role == "relationship_manager" else pm,
                date=when,
                kind=rng.choice(list(ContactKind)).value,
                duration_minutes=rng.choice([30, 45, 60, 90, 120]),
                participants=rng.choice(PARTICIPANTS),
                notes=rng.choice(NOTES),
                risk_level=risk_level,
                risk_description=risk_description,
                followups=followups,
            )
            if not latest and rng.random() < 0.5:
                # Older contacts' actions were done in time.
                for f in FollowUp.objects.filter(contact=contact):
                    FollowUp.objects.filter(pk=f.pk).update(done_at=timezone.now(), done_by=rm)

    _events(ctx, rng, pm)
    return ctx


def _events(ctx, rng, pm):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    live_areas = [a for a in ctx.areas if a.round_id == ctx.live_round.pk]
    plans = [
        (
            "Round 2 induction",
            EventKind.INDUCTION,
            -70,
            "https://meet.example.org/round2-induction",
        ),
        ("Regional peer learning hub: North", EventKind.PEER_HUB, -20, "Leeds Civic Hall"),
        ("Cost benefit analysis training", EventKind.CBA_TRAINING, -5, "Birmingham Council House"),
        (
            "Webinar: writing your operational plan",
            EventKind.WEBINAR,
            12,
            "https://meet.example.org/plans",
        ),
    ]
    for title, kind, offset, location in plans:
        event = services.event_create(
            actor=pm,
            title=title,
            kind=kind,
            starts_at=now + datetime.timedelta(days=offset, hours=10 - now.hour),
            round=ctx.live_round,
            location=location,
            description=f"{title} for areas in {ctx.live_round.name}.",
        )
        invited = live_areas if kind != EventKind.PEER_HUB else live_areas[: len(live_areas) // 2]
        if kind == EventKind.CBA_TRAINING:
            invited = live_areas[::3]
        services.event_invite(event=event, areas=invited, actor=pm)
        if offset < 0:
            for invitation in EventInvitation.objects.filter(event=event):
                came = rng.random() < 0.75
                services.attendance_record(
                    invitation=invitation,
                    attended=came,
                    attendee_names=rng.choice(PARTICIPANTS) if came else "",
                    actor=pm,
                )
