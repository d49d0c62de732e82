"""Holds on writing an area's records: a registry, so the apps that write an area's records
(plans, delivery, support, grants) ask one question without importing the app that holds them.

Grant closure (the ``closure`` app) registers a check from its AppConfig's ``ready()``: once an
area's grant is closed its records are read-only ("This grant is closed"), except while a
programme manager has opened a correction, and then only for programme managers and admins::

    from core.area_writes import register_area_write_hold

    register_area_write_hold(closed_grant_hold)   # fn(area, user) -> reason | None

Permission functions and services call ``area_write_refusal(area, user)`` and refuse with its
reason.
"""

from collections.abc import Callable

from core.errors import Decision

AreaWriteHold = Callable[[object, object], "str | None"]

_holds: list[AreaWriteHold] = []
# Annotations a hold reads on an area (``fn() -> {name: expression}``), added by the area page's
# selector (programmes.selectors.area_detail), so the page and its panels ask the hold no query.
_annotations: list[Callable[[], dict]] = []


def register_area_write_hold(
    check: AreaWriteHold, *, annotations: Callable[[], dict] | None = None
) -> AreaWriteHold:
    """Add a check ``check(area, user) -> reason | None`` asked before an area's records
    change. A check that queries gives ``annotations() -> {name: expression}`` too (expressions
    on an Area queryset), and reads them from the area when present."""
    if check not in _holds:
        _holds.append(check)
    if annotations is not None and annotations not in _annotations:
        _annotations.append(annotations)
    return check


def area_write_annotations() -> dict:
    """Every registered hold's annotations for an Area queryset."""
    merged: dict = {}
    for annotations in _annotations:
        merged.update(annotations())
    return merged


def area_write_refusal(area, user) -> str | None:
    """The first registered reason `user` may not change `area`'s records now, or None."""
    if area is None:
        return None
    for check in _holds:
        reason = check(area, user)
        if reason:
            return reason
    return None


def can_write_area(user, area) -> Decision:
    """``area_write_refusal`` as the (allowed, reason) pair permission functions return."""
    reason = area_write_refusal(area, user)
    return (False, reason) if reason else (True, "")
