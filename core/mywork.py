"""'My work': everything waiting for one person, gathered from every app without core (or
accounts) importing them.

Each app may have a module ``<app>/mywork.py`` that registers *providers* with ``@provider``; they
are found the way Django's admin finds ``admin.py`` (``mywork_autodiscover`` imports the module of
every installed app that has one, once). A provider takes the user and today's date and returns
``WorkGroup``s, or nothing when the user has no such work. A provider must run a fixed number of
queries whatever the amount of data (count the whole queue, list only the first ``GROUP_LIMIT``
items), so the page and the menu's count stay cheap; and it must read through the app's own
selectors and permission functions so that its counts agree with the app's queue page.

Adding a provider later is a few lines in the app that owns the work, e.g. for messages awaiting
a reply::

    # messages/mywork.py (or any app's mywork.py)
    from core.mywork import WorkGroup, WorkItem, provider

    @provider(order=35)
    def messages_awaiting_reply(user, today):
        qs = selectors.threads_awaiting_reply(user=user)        # the app's own selector
        rows = list(qs[:GROUP_LIMIT])
        return WorkGroup(
            heading="Messages awaiting your reply",
            total=qs.count(),
            more_url=reverse("messages:inbox"),
            items=[WorkItem(title=t.subject, url=t.get_absolute_url(), due=None) for t in rows],
        )

"Returns awaiting review" for staff is the same shape in ``delivery/mywork.py``.
"""

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

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
    total: int | None = None
    more_url: str = ""
    # Waiting groups (what the user is waiting for from others) are not counted as work.
    waiting: bool = False
    order: int = 50

    def __post_init__(self):
        if self.total is None:
            self.total = len(self.items)
        # The page lists the first few; `total` and `more_url` say the rest.
        self.items = sorted(self.items, key=item_sort_key)[:GROUP_LIMIT]

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    @property
    def first_due(self):
        return self.items[0].due if self.items else None


def item_sort_key(item: WorkItem):
    """Overdue first, then soonest due, then undated (in the provider's own order)."""
    return (not item.overdue, item.due is None, item.due or datetime.date.max)


def provider(func: Provider | None = None, *, order: int = 50):
    """Register a provider of work groups (a function of `user` and `today`). `order` breaks ties
    between groups with nothing due (lower first)."""

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
    return [g for g in groups if g.total]


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


def work_for(user, *, today: datetime.date | None = None) -> list[WorkGroup]:
    """Every group of work waiting for `user`, overdue first and soonest due first."""
    if not getattr(user, "is_authenticated", False):
        return []
    mywork_autodiscover()
    today = today or timezone.localdate()
    groups: list[WorkGroup] = []
    for order, _name, func in sorted(_PROVIDERS, key=lambda p: (p[0], p[1])):
        groups += _as_groups(func(user, today), order)
    return sorted(groups, key=_group_key)


def work_count(groups: list[WorkGroup]) -> int:
    """How many things are waiting for the user (not what the user is waiting for)."""
    return sum(g.total for g in groups if not g.waiting)
