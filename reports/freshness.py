"""Keeping a round's figures without counting 20,000 areas again on every view.

The programme dashboard's figures (funnel, progression, drop-out, stages, plans awaiting sign-off,
payments due, overdue returns, budget) are aggregates over the whole round: hundreds of
milliseconds at national scale, the same for every viewer until something changes. They are
cached (Django's cache: Redis where ``CACHE_URL`` names it, else each process's memory) under a
key naming what they are for (the round, and the date where waiting days or overdue returns
depend on it) and the **data version**: a number in the database (`DataVersion`) that goes up
after every transaction that changed what the figures are counted from.

What moves it:

- every activity entry written (`activity.signals.recorded`): every state-changing service
  records one, and bulk imports record theirs in bulk, so writes by `QuerySet.update()` or
  `bulk_create` inside services are covered too;
- a save or delete of a model the figures read (`WATCHED`): edits that record no activity, such
  as the admin's change of an organisation's type, an area's themes or a payment's due date.

It goes up after the commit, in a statement of its own (once per transaction): a reader that
reads the new number then reads the new data, and no writer holds the counter's row while its
transaction is open (an import and a sign-off never wait on each other here). The version is
read from the database, not from the cache, so every web process and worker agrees on it
whatever the cache backend. ``REPORTS_CACHE_SECONDS`` bounds how long an entry lives: what a
write made by neither path (raw SQL, a process killed between its commit and the bump) could
leave stale. 0 turns caching off (the test settings do, so tests count afresh unless they ask).
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from .models import DataVersion

# The models whose rows the dashboard's and the programme report's figures are counted from.
WATCHED = [
    "applications.Application",
    "applications.GateApplication",
    "programmes.Area",
    "programmes.AreaTheme",
    "programmes.Theme",
    "programmes.Organisation",
    "programmes.Round",
    "plans.OperationalPlan",
    "grants.Award",
    "grants.Payment",
    "grants.BudgetLine",
    "delivery.ProgressReturn",
]
_ROW = 1
_DUE = "_reports_data_version_due"


def data_version() -> int:
    """The current data version (one query)."""
    return DataVersion.objects.filter(pk=_ROW).values_list("number", flat=True).first() or 0


def data_version_subquery():
    """The data version as an expression, for a caller that reads it with another query (0 until
    the first change, as `data_version`)."""
    return Coalesce(Subquery(DataVersion.objects.filter(pk=_ROW).values("number")[:1]), 0)


def _bump() -> None:
    if not DataVersion.objects.filter(pk=_ROW).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=_ROW, defaults={"number": 1})


def data_changed(*, using: str | None = None, **kwargs) -> None:
    """Make the data version go up once the current transaction commits (at once outside one),
    once however many writes the transaction makes."""
    connection = transaction.get_connection(using)
    # Django replaces its list of commit callbacks when it runs or rolls back any of them, so the
    # bump is still due exactly while that list is the one it was added to (a check in constant
    # time: an import saving thousands of rows must not search the list on every save).
    if connection.in_atomic_block and getattr(connection, _DUE, None) is connection.run_on_commit:
        return
    # robust: a failed bump is logged, not raised to a request whose change is already committed.
    transaction.on_commit(_bump, using=using, robust=True)
    if connection.in_atomic_block:
        setattr(connection, _DUE, connection.run_on_commit)


def connect() -> None:
    """Listen to the writes that change the figures (called once, when the app is ready)."""
    from activity.signals import recorded

    recorded.connect(data_changed, dispatch_uid="reports.freshness.activity")
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"reports.freshness.{label}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}.delete")


def cached(name: str, compute, *, version: int | None = None):
    """`compute()`'s result, kept under `name` and the data version (read here unless the caller
    already has it). A result counted while a change commits is kept under the version read
    before it, which the change has already left behind: no reader takes it for newer data."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if not seconds:
        return compute()
    if version is None:
        version = data_version()
    key = f"reports:{name}:v{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
