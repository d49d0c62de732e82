"""What the system already knows about a round's areas, read once with its dates, so a score can
be computed for any day: today's for the stored warnings, or every week of a past round for the
backtest. Every signal reads only rows dated on or before its `as_of` day (``AreaFacts``' helpers
do the cut), so a replayed score never sees the future.

Reading a whole round is a fixed number of queries whatever its size (one per kind of row)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

LEFT_STATUSES = ("withdrawn", "not_progressed")


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


@dataclass
class AreaFacts:
    area: object
    joined_on: datetime.date
    left_on: datetime.date | None = None
    contacts: list = field(default_factory=list)  # dates
    entitlements: list = field(default_factory=list)  # (granted day, days)
    bookings: list = field(default_factory=list)  # (booked day, delivered day or None, status)
    # (due, submitted day or None, progress status)
    returns: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (sent day, from lead)
    plan_entries: list = field(default_factory=list)  # (day, verb)
    # (target stage, created day, submitted day or None, decided day or None, status, milestone id)
    gates: list = field(default_factory=list)
    extensions: dict = field(default_factory=dict)  # milestone id -> (granted day, new due)

    def active_on(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)

    def stage_on(self, day: datetime.date) -> tuple[str, datetime.date]:
        """(stage, the day it was entered) as the decisions dated on or before `day` made it."""
        stage, since = "getting_ready", self.joined_on
        going = [
            decided
            for target, _created, _sent, decided, status, _m in self.gates
            if target == "getting_going"
            and status == "approved"
            and decided is not None
            and decided <= day
        ]
        if going:
            stage, since = "getting_going", min(going)
        signed = [d for d, verb in self.plan_entries if verb == "plan.signed_off" and d <= day]
        if signed:
            stage, since = "implementation", min(signed)
        for target, _created, _sent, decided, status, _m in self.gates:
            if (
                target == "making_it_happen"
                and status == "approved"
                and decided is not None
                and decided <= day
            ):
                stage, since = "making_it_happen", decided
        return stage, since

    def adviser_days(self, day: datetime.date) -> tuple[Decimal, Decimal, bool]:
        """(days granted, days delivered, any booking made) by `day`."""
        granted = sum((d for g, d in self.entitlements if g <= day), Decimal("0"))
        delivered = Decimal("0")
        booked = False
        for booked_on, delivered_on, _status, days in self.bookings:
            if booked_on <= day:
                booked = True
            if delivered_on is not None and delivered_on <= day:
                delivered += days
        return granted, delivered, booked


@dataclass
class RoundFacts:
    round: object
    milestones: list  # Milestone rows
    areas: dict[int, AreaFacts]

    def active_on(self, day: datetime.date) -> list[AreaFacts]:
        return [f for f in self.areas.values() if f.active_on(day)]


def round_facts(rnd, *, area_ids=None) -> RoundFacts:
    """Everything the signals read for the round's areas (or only `area_ids`, when the round's
    medians are not wanted... they always are, so pass None), in one query per kind of row."""
    from activity.models import ActivityEntry
    from applications.models import DeadlineExtension, GateApplication
    from delivery.models import ProgressReturn
    from messaging.models import Kind as MessageKind
    from messaging.models import Message
    from programmes.models import Area
    from support.models import AdviserDay, AdviserEntitlement, SupportContact

    areas = Area.objects.filter(round=rnd).select_related("lead_organisation").order_by("reference")
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    facts = {a.pk: AreaFacts(area=a, joined_on=a.joined_on) for a in areas}
    ids = list(facts)
    in_round = {"area__round": rnd} if area_ids is None else {"area_id__in": ids}

    left = [f for f in facts.values() if f.area.status in LEFT_STATUSES]
    if left:
        # The day an area left: the last entry that moved it (it has not moved since).
        for area_id, occurred in (
            ActivityEntry.objects.filter(area_id__in=[f.area.pk for f in left], verb="area.moved")
            .order_by("area_id", "occurred_at", "id")
            .values_list("area_id", "occurred_at")
        ):
            facts[area_id].left_on = _day(occurred)
        for f in left:
            if f.left_on is None:  # no entry (an import without history): the last change
                f.left_on = _day(f.area.updated_at)

    for area_id, date in SupportContact.objects.filter(**in_round).values_list("area_id", "date"):
        facts[area_id].contacts.append(date)
    for area_id, granted, days in AdviserEntitlement.objects.filter(**in_round).values_list(
        "area_id", "granted_at", "days"
    ):
        facts[area_id].entitlements.append((_day(granted), days))
    for area_id, created, delivered, status, days in (
        AdviserDay.objects.filter(**in_round)
        .exclude(status="cancelled")
        .values_list("area_id", "created_at", "delivered_at", "status", "days")
    ):
        facts[area_id].bookings.append((_day(created), _day(delivered), status, days))
    for area_id, due, submitted, progress in ProgressReturn.objects.filter(**in_round).values_list(
        "area_id", "due_on", "submitted_at", "progress_status"
    ):
        facts[area_id].returns.append((due, _day(submitted), progress))
    for area_id, created, from_lead in (
        Message.objects.filter(kind=MessageKind.MESSAGE, **in_round)
        .order_by("created_at", "id")
        .values_list("area_id", "created_at", "from_lead")
    ):
        facts[area_id].messages.append((_day(created), from_lead))
    for area_id, occurred, verb in (
        ActivityEntry.objects.filter(verb__startswith="plan.", **in_round)
        .order_by("occurred_at", "id")
        .values_list("area_id", "occurred_at", "verb")
    ):
        facts[area_id].plan_entries.append((_day(occurred), verb))
    for row in GateApplication.objects.filter(**in_round).values_list(
        "area_id", "target_stage", "created_at", "submitted_at", "decided_at", "status",
        "milestone_id",
    ):  # fmt: skip
        area_id, target, created, sent, decided, status, milestone_id = row
        facts[area_id].gates.append(
            (target, _day(created), _day(sent), _day(decided), status, milestone_id)
        )
    for area_id, milestone_id, granted, new_due in DeadlineExtension.objects.filter(
        **in_round
    ).values_list("area_id", "milestone_id", "granted_at", "new_due_on"):
        facts[area_id].extensions[milestone_id] = (_day(granted), new_due)
    for f in facts.values():
        f.contacts.sort()
    return RoundFacts(round=rnd, milestones=list(rnd.milestones.order_by("due_on")), areas=facts)
