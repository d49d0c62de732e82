"""Demo data for the early warning: the pilot round's support history, and every round's scores.

The demo's support step logs contacts and adviser days only for the live round's active areas
(the last few months), so the finished pilot round had none at all: a record no relationship
manager would leave, and one on which "no contact for weeks" and "adviser days unused" fire for
every pilot area. This step gives each pilot area what a relationship manager would have logged
while it was in the programme: a contact every three to seven weeks and, for most, an adviser day
delivered in Getting Ready. The history is drawn the same way for every area, whether it later
left or not (the generator never looks at the outcome), so the backtest's figures rest on what
the demo's decisions, milestones and plans already say, not on history made to fit.

Deterministic (seeded random); skipped when the pilot round already has contacts in its time."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import AreaAssignment
from activity.services import activity_batch, activity_record_many
from earlywarning.services import warnings_recompute
from programmes.models import AreaStatus
from support import services as support_services
from support.models import AdviserDay, ContactKind, SupportContact

from .context import at
from .support import ADVISERS, NOTES, PARTICIPANTS, _advisers


def _left_on(area) -> datetime.date | None:
    if area.status not in (AreaStatus.WITHDRAWN, AreaStatus.NOT_PROGRESSED):
        return None
    entry = area.activity.filter(verb="area.moved").order_by("-occurred_at").first()
    return timezone.localdate(entry.occurred_at) if entry else None


def _pilot_history(ctx, rng):
    rnd = ctx.finished_round
    areas = [a for a in ctx.areas if a.round_id == rnd.pk]
    managers = dict(
        AreaAssignment.objects.filter(area__in=areas, ended_on__isnull=True)
        .select_related("user")
        .values_list("area_id", "user")
    )
    users = {u.pk: u for u in ctx.users.values()}
    advisers = _advisers(ctx.users["pm"])
    for area in areas:
        rm = users.get(managers.get(area.pk)) or ctx.users["pm"]
        end = min(filter(None, [_left_on(area), rnd.ends_on]))
        day = area.joined_on + datetime.timedelta(days=rng.randint(7, 21))
        while day < end:
            support_services.contact_log(
                area=area,
                actor=rm,
                date=day,
                kind=rng.choice(list(ContactKind)).value,
                duration_minutes=rng.choice([30, 45, 60, 90]),
                participants=rng.choice(PARTICIPANTS),
                notes=rng.choice(NOTES),
            )
            day += datetime.timedelta(days=rng.randint(21, 49))
        # Most areas used their Getting Ready adviser day in their first months.
        delivered_on = area.joined_on + datetime.timedelta(days=rng.randint(30, 90))
        if rng.random() < 0.75 and delivered_on < end:
            booking = support_services.adviser_days_book(
                area=area,
                adviser=advisers[rng.choice(ADVISERS)],
                date=delivered_on,
                days=Decimal("1"),
                description="Development strategy workshop with the steering group.",
                actor=ctx.users["pm"],
            )
            support_services.adviser_day_deliver(booking=booking, actor=ctx.users["pm"])
            # Booked a fortnight ahead and delivered on the day, as it happened then.
            AdviserDay.objects.filter(pk=booking.pk).update(
                created_at=at(delivered_on - datetime.timedelta(days=14)),
                delivered_at=at(delivered_on, 17),
                booked_by=rm,
            )


def load(ctx):
    if ctx is None:
        return ctx
    rnd = ctx.finished_round
    # (The support step's recent contacts with the pilot's areas still in come after its end.)
    if not SupportContact.objects.filter(area__round=rnd, date__lte=rnd.ends_on).exists():
        # A few hundred contacts and adviser days, none of which notifies anyone: their activity
        # entries are appended to the areas' chains in one go rather than one chain lock each.
        with activity_batch() as entries:
            _pilot_history(ctx, random.Random(2424))
        activity_record_many(entries)
    for rnd in (ctx.finished_round, ctx.live_round):
        warnings_recompute(round=rnd, as_of=min(datetime.date.today(), rnd.ends_on))
    return ctx
