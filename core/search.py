"""The site-wide search (issue 25): one box in the header, one page of results grouped by kind.

Each app declares what it can be searched for from its AppConfig.ready, as it declares its area
panels (`core.area_panels`), so core imports none of them. A kind answers with a queryset of the
rows the person may see that match the words, already filtered through the app's own visibility
rule (the one its list pages use) and shaped for the row it shows; core counts it and reads its
first `PER_KIND` rows. The page therefore runs two queries per kind, however many rows match,
plus one for the exact-reference jump.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

PER_KIND = 10
MIN_LENGTH = 2  # one letter matches nearly everything and the trigram indexes need two or more


@dataclass(frozen=True)
class Hit:
    title: str
    url: str = ""
    detail: str = ""
    # A row whose class names its workflow, to show its status badge in the words each person
    # sees it in (the status_badge tag: applicants' labels for lead organisation users).
    status_of: Any = None


@dataclass(frozen=True)
class SearchKind:
    name: str
    label: str  # plural heading: "Areas"
    order: int
    # (*, user, query) -> the matching rows the user may see, ordered; None when the kind is not
    # searched for this user (e.g. people are for programme staff only).
    results: Callable[..., QuerySet | None]
    hit: Callable[[Any], Hit]
    # (*, user, query) -> the address of the kind's full list filtered by the words, or "" when
    # the user has no such list.
    see_all: Callable[..., str] | None = None
    # (*, user, query) -> the address to go straight to when the words name one row exactly
    # (an area's reference), else "". One query at most.
    exact: Callable[..., str] | None = None


@dataclass
class Group:
    kind: SearchKind
    count: int
    hits: list[Hit]
    see_all_url: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


_KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> list[SearchKind]:
    return sorted(_KINDS.values(), key=lambda k: k.order)


def among(ids: QuerySet) -> Q:
    """``pk__in=ids`` for the id list of a search (UNION ALL of one id subquery per column, each
    served by its trigram index), in the shape PostgreSQL answers well for every word.

    Written plainly, the planner turns the IN into a semi join and, for a first page ordered by
    reference, compares each area it walks with every matched id in turn: 40 ms for a word in
    one area name in fifty at 20,000 areas. Beside an OR it cannot do that, and hashes the ids
    once instead (a hashed SubPlan), so each row it walks costs one lookup: 7 to 9 ms for rare
    words and common ones alike. The second term matches no row (a primary key is never
    null)."""
    return Q(pk__in=ids) | Q(pk__isnull=True)


def clean(query: str) -> str:
    """The words as searched: spaces at the ends and runs of spaces removed."""
    return " ".join((query or "").split())


def jump_for(user, query: str) -> str:
    """Where to go straight away when the words name one thing exactly, else ""."""
    query = clean(query)
    if len(query) < MIN_LENGTH:
        return ""
    for kind in kinds():
        if kind.exact is not None:
            url = kind.exact(user=user, query=query)
            if url:
                return url
    return ""


def search(user, query: str) -> list[Group]:
    """One group per kind searched for this user, with how many match and the first rows."""
    query = clean(query)
    if len(query) < MIN_LENGTH:
        return []
    groups = []
    for kind in kinds():
        rows = kind.results(user=user, query=query)
        if rows is None:
            continue
        count = rows.count()
        hits = [kind.hit(row) for row in rows[:PER_KIND]] if count else []
        see_all = kind.see_all(user=user, query=query) if kind.see_all and count else ""
        groups.append(Group(kind=kind, count=count, hits=hits, see_all_url=see_all))
    return groups
