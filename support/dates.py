"""Dates that make sense for support: adviser-day bookings, events and relationship-manager
assignments must fall within the round's window.

The window is the round's whole life, from the day it opens for applications (`opens_on`: an
induction or an assignment can come before delivery starts) to its end (`ends_on`), plus two years
of aftercare: areas keep delivering their plans, and being supported, after the round's
development period ends. An event open to every round must fall within the window of some round
(the earliest opening to the latest end plus aftercare). So a booking in 1900 or 2999, an event in
1900 and an assignment starting in 2100 are refused, each with a message by its field."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone

from programmes.models import Round

AFTERCARE = datetime.timedelta(days=2 * 365)


def round_window(round) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day support can be dated in `round` (or in any round, for None)."""
    if round is not None:
        return round.opens_on, round.ends_on + AFTERCARE
    span = Round.objects.aggregate(first=Min("opens_on"), last=Max("ends_on"))
    if span["first"] is None:
        return None
    return span["first"], span["last"] + AFTERCARE


def check_in_round(value, *, round, field: str, what: str) -> None:
    """Refuse `value` (a date or datetime) outside the round's window, by the form's `field`."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        day = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    else:
        day = value
    window = round_window(round)
    if window is None:
        return
    first, last = window
    if first <= day <= last:
        return
    scope = f"the round {round.name}" if round is not None else "the programme's rounds"
    raise ValidationError(
        {
            field: f"{what} must be between {first:%d %b %Y} and {last:%d %b %Y}, the dates of "
            f"{scope} (from opening to two years after its end); {day:%d %b %Y} is outside them."
        }
    )
