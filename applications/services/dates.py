"""When a recorded event happened: now for a live action, or the date imported history brings."""

import datetime

from django.utils import timezone


def happened_at(occurred_at) -> datetime.datetime:
    return occurred_at or timezone.now()


def happened_on(occurred_at) -> datetime.date:
    return timezone.localdate(occurred_at) if occurred_at else timezone.localdate()
