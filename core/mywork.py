"""'My work': everything waiting for one person, gathered from every app without core (or
accounts) importing them.

Each app may have a module ``<app>/mywork.py`` that registers *providers* with ``@provider``; they
are found the way Django's admin finds ``admin.py`` (``mywork_autodiscover`` imports the module of
every installed app that has one, once). A provider takes a ``Work``: the request's user, today's
date and what was already looked up for this request (the user's role, read once), and returns
``WorkGroup``s, or nothing when the user has no such work. A provider must run a fixed number of
queries whatever the amount of data, so the page and the menu's count stay cheap: it hands its
queue to ``work.queue(qs)``, which reads only the first ``GROUP_LIMIT`` rows (none at all when
only the menu's count is wanted) and counts the queue together with every other provider's, in
one query for the whole page. A provider must read through the app's own
selectors and permission functions so that its counts agree with the app's queue page.

Adding a provider later is a few lines in the app that owns the work, e.g. for messages awaiting
a reply::

    # messages/mywork.py (or any app's mywork.py)
    from core.mywork import WorkGroup, WorkItem, provider

    @provider(order=35)
    def messages_awaiting_reply(work):
        qs = selectors.threads_awaiting_reply(user=work.user)   # the app's own selector
        rows, total = work.queue(qs)
        return WorkGroup(
            heading="Messages awaiting your reply",
            total=total,
            more_url=reverse("messages:inbox"),
            items=[WorkItem(title=t.subject, url=t.get_absolute_url(), due=None) for t in rows],
        )

"Returns awaiting review" for staff is the same shape in ``delivery/mywork.py``.
"""

import datetime
import importlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

# How many items of a group the page lists; the group's total and "see all" link say the rest.
GROUP_LIMIT = 5

Provider = Callable[..., "WorkGroup | Iterable[WorkGroup] | None"]

_PROVIDERS: list[tuple[int, str, Provider]] = []
_DISCOVERED = False


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the user: what, where it is done, and by when (None: no date)."""

    title: str
    url: str
    due: datetime.date | None = None
    detail: str = ""
    # Items that are not the user's move (a lead waiting for a decision) are listed as such.
    waiting: bool = False
    today: datetime.date = field(default_factory=timezone.localdate, compare=False)
    # The object the item is about (a model instance): with it the person may snooze or dismiss
    # the item on their own My work (core.models.HiddenWorkItem).
    about: object = field(default=None, compare=False, repr=False)

    @property
    def ref(self) -> tuple[str, int] | None:
        """(model label, primary key) of what the item is about; None when it is about nothing
        that can be put aside."""
        if self.about is None or getattr(self.about, "pk", None) is None:
            return None
        return self.about._meta.label_lower, self.about.pk

    @property
    def ref_text(self) -> str:
        ref = self.ref
        return f"{ref[0]}:{ref[1]}" if ref else ""

    @property
    def overdue(self) -> bool:
        return not self.waiting and self.due is not None and self.due < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.overdue else 0


@dataclass
class WorkGroup:
    """Items under one heading, e.g. "Plans to co-sign". `total` counts the whole queue (the
    items may be only its first GROUP_LIMIT); `more_url` is the page that lists them all."""

    heading: str
    items: list[WorkItem]
    total: "int | Total | None" = None
    more_url: str = ""
    # Waiting groups (what the user is waiting for from others) are not counted as work.
    waiting: bool = False
    order: int = 50
    # Names the group in addresses ("see all") and in what a person put aside; set by
    # `work_for` from the provider (and the queue's part) unless the provider names it.
    kind: str = ""
    # Every item the provider gave, in order, before the page's limit (a queue's provider gives
    # only the first rows; a provider that builds a list gives all of it).
    all_items: list[WorkItem] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self):
        # A total counted from the items is recounted once the person's hidden ones are left out.
        self.counted_from_items = self.total is None
        if self.total is None:
            self.total = len(self.items)
        if not self.kind and isinstance(self.total, Total):
            self.kind = self.total.kind
        self.all_items = sorted(self.items, key=item_sort_key)
        # The page lists the first few; `total` and `more_url` say the rest.
        self.items = self.all_items[:GROUP_LIMIT]

    @property
    def more(self) -> bool:
        """Whether the page lists only some of the group."""
        return self.total > len(self.items)

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    @property
    def first_due(self):
        return self.items[0].due if self.items else None


class Total:
    """A queue's size not known yet: `Work.count_totals` counts every one of a request's in one
    query and fills in `value`."""

    def __init__(self, queryset: QuerySet, kind: str = ""):
        self.queryset = queryset
        self.kind = kind
        self.value: int | None = None


@dataclass
class Work:
    """One request's look at the user's work: who, today, whether the items are wanted (the menu's
    count wants only the totals) and the queues still to count."""

    user: object
    today: datetime.date
    items_wanted: bool = True
    # How many rows of each queue are read: the page's GROUP_LIMIT, or a whole group's page.
    limit: int = GROUP_LIMIT
    # Work of finished rounds (a pilot round's returns never sent) is left out unless asked for.
    include_finished: bool = False
    # What this person put aside and is still hidden today: {(kind, model label, pk)}.
    hidden: frozenset = frozenset()
    # The provider being run, which names its queues' groups.
    provider_name: str = ""
    # The page's first pass (``work_for``): queues are only registered, to be counted together,
    # and read no rows.
    deferring: bool = False
    # The second pass: each queue's size by kind, counted in the first; a queue known to be
    # empty reads no rows.
    known_totals: dict[str, int] | None = None
    _totals: list[Total] = field(default_factory=list, repr=False)

    def queue(self, qs: QuerySet, part: str = "") -> tuple[list, Total]:
        """The first rows of an ordered queue (one query; none when the items are not wanted)
        and its size, counted later with every other queue's in one query (`count_totals`), so
        a page runs the same queries however long its queues are. The items this person put
        aside are left out of both. A provider with more than one queue names each by `part`."""
        kind = self.provider_name + (f".{part}" if part else "")
        label = qs.model._meta.label_lower
        hidden = [pk for k, lbl, pk in self.hidden if k == kind and lbl == label]
        if hidden:
            qs = qs.exclude(pk__in=hidden)
        total = Total(qs, kind)
        known = (self.known_totals or {}).get(kind)
        if known is not None:
            total.value = known
            rows = list(qs[: self.limit]) if self.items_wanted and known else []
            return rows, total
        rows = list(qs[: self.limit]) if self.items_wanted and not self.deferring else []
        self._totals.append(total)
        return rows, total

    def count_totals(self) -> None:
        """Count every queue left to count in one query: ``SELECT (SELECT COUNT(*) FROM (q1)),
        (SELECT COUNT(*) FROM (q2)), ...`` with each queue's own SQL, so each count is exactly
        the queryset's ``count()``."""
        pending, self._totals = self._totals, []
        if not pending:
            return
        by_db: dict[str, list[tuple[Total, str, tuple]]] = {}
        for total in pending:
            # Joins only for reading related rows change no count; the order none.
            qs = total.queryset.order_by().select_related(None).prefetch_related(None)
            try:
                sql, params = qs.query.sql_with_params()
            except EmptyResultSet:  # e.g. .none(): nothing to count
                total.value = 0
                continue
            by_db.setdefault(qs.db, []).append((total, sql, params))
        for alias, queues in by_db.items():
            parts, params = [], []
            for number, (_total, sql, qs_params) in enumerate(queues):
                parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS queue{number})")
                params.extend(qs_params)
            totals = [total for total, _sql, _params in queues]
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT " + ", ".join(parts), params)
                values = cursor.fetchone()
            for total, value in zip(totals, values, strict=True):
                total.value = int(value)


def item_sort_key(item: WorkItem):
    """Overdue first, then soonest due, then undated (in the provider's own order)."""
    return (not item.overdue, item.due is None, item.due or datetime.date.max)


def provider(func: Provider | None = None, *, order: int = 50):
    """Register a provider of work groups (a function of a `Work`). `order` breaks ties between
    groups with nothing due (lower first)."""

    def register(f: Provider) -> Provider:
        name = f"{f.__module__}.{f.__qualname__}"
        if all(n != name for _, n, _ in _PROVIDERS):
            _PROVIDERS.append((order, name, f))
        return f

    return register(func) if func is not None else register


def mywork_autodiscover() -> None:
    """Import every installed app's ``mywork`` module once, so its providers register."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.mywork")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.mywork":
                raise
    _DISCOVERED = True


def _as_groups(result, order: int) -> list[WorkGroup]:
    if result is None:
        return []
    groups = [result] if isinstance(result, WorkGroup) else list(result)
    for g in groups:
        g.order = order if g.order == 50 else g.order
    return groups


def _group_key(group: WorkGroup):
    """Groups with overdue work first, then by their soonest due date, then waiting groups."""
    first = group.first_due
    return (
        group.waiting,
        not group.overdue_count,
        first is None,
        first or datetime.date.max,
        group.order,
    )


def hidden_keys(user, today: datetime.date) -> frozenset:
    """What `user` put aside that is still hidden on `today` (dismissed, or snoozed until a
    later day), as {(kind, model label, pk)}: one query."""
    from django.db.models import Q

    from .models import HiddenWorkItem

    rows = (
        HiddenWorkItem.objects.filter(user=user)
        .filter(Q(until__isnull=True) | Q(until__gt=today))
        .values_list("kind", "content_type__app_label", "content_type__model", "object_id")
    )
    return frozenset((kind, f"{app}.{model}", pk) for kind, app, model, pk in rows)


def _name_groups(groups: list[WorkGroup], provider_name: str) -> None:
    """A group's kind: the provider's name, with the heading when it gives more than one."""
    for g in groups:
        if not g.kind:
            g.kind = provider_name if len(groups) == 1 else f"{provider_name}.{slugify(g.heading)}"


def _leave_out_hidden(group: WorkGroup, hidden: frozenset, limit: int) -> None:
    """Drop the items the person put aside (a queue already left them out of its rows and
    count; a provider's own list has them still)."""
    visible = [i for i in group.all_items if not (i.ref and (group.kind, *i.ref) in hidden)]
    if group.counted_from_items:
        group.total = len(visible)
    group.all_items = visible
    group.items = visible[:limit]


def work_for(
    user,
    *,
    today: datetime.date | None = None,
    items: bool = True,
    limit: int = GROUP_LIMIT,
    include_finished: bool = False,
    hidden: frozenset | None = None,
    only: str = "",
) -> list[WorkGroup]:
    """Every group of work waiting for `user`, overdue first and soonest due first, without
    what the person put aside. With `items=False` (the menu's count) the groups' totals are
    right but queues list no items. `limit` items per group (a whole group's page asks for
    more); `only` runs one provider (by its function's name); `hidden` is `hidden_keys`, when
    the caller read it already."""
    if not getattr(user, "is_authenticated", False):
        return []
    mywork_autodiscover()
    today = today or timezone.localdate()
    if hidden is None:
        hidden = hidden_keys(user, today)
    work = Work(
        user=user,
        today=today,
        items_wanted=items,
        limit=limit,
        include_finished=include_finished,
        hidden=hidden,
    )
    chosen = [
        (order, func)
        for order, _name, func in sorted(_PROVIDERS, key=lambda p: (p[0], p[1]))
        if not only or func.__name__ == only
    ]
    # The page reads items in two passes, so a queue with nothing in it costs no query: the
    # first runs every provider with its queues only registered, and counts them all in one
    # query; the second runs again only the providers with a queue that has something in it,
    # reading the rows of those queues alone. A provider whose queues are all empty keeps what
    # it gave in the first pass (reading its queues would have given no rows).
    work.deferring = items
    first: list[tuple[int, Provider, list[WorkGroup], list[Total]]] = []
    for order, func in chosen:
        start = len(work._totals)
        first.append((order, func, _run_provider(work, func, order), work._totals[start:]))
    work.count_totals()
    groups: list[WorkGroup] = []
    if items:
        kinds = Counter(t.kind for _o, _f, _g, totals in first for t in totals)
        work.deferring = False
        work.known_totals = {
            t.kind: t.value for _o, _f, _g, totals in first for t in totals if kinds[t.kind] == 1
        }
        for order, func, produced, totals in first:
            if any(t.value for t in totals):
                produced = _run_provider(work, func, order)
            groups += produced
        work.count_totals()  # a queue the first pass did not name alike (none, as a rule)
    else:
        groups = [g for _o, _f, produced, _t in first for g in produced]
    for g in groups:
        if isinstance(g.total, Total):
            g.total = g.total.value
        _leave_out_hidden(g, hidden, limit)
    return sorted([g for g in groups if g.total], key=_group_key)


def _run_provider(work: Work, func: Provider, order: int) -> list[WorkGroup]:
    work.provider_name = func.__name__
    produced = _as_groups(func(work), order)
    _name_groups(produced, func.__name__)
    return produced


def work_count(groups: list[WorkGroup]) -> int:
    """How many things are waiting for the user (not what the user is waiting for)."""
    return sum(g.total for g in groups if not g.waiting)
