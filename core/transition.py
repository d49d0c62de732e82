"""One way to make a move: `transition` locks the row, asks the workflow, sets the status, saves,
resolves the notifications the move answers and records the activity entry, then copies the saved
state back onto the caller's object.

    transition(
        progress_return,
        ReturnStatus.ACCEPTED,
        workflow=RETURN,
        actor=user,
        verb="progress_return.accepted",          # a literal: grep finds every place it is made
        summary=f"Progress return for {progress_return.period_label} accepted",
        area=progress_return.area,                # also given to workflow.check as `area`
        visibility=Visibility.AREA,
        related=("area",), of=("self",),
        permission=lambda locked: can_review_returns(user, locked.area),
    )

Other keyword arguments are passed to ``workflow.check`` as its context, and so is whatever
``check_context(locked)`` returns (for context read from the locked row).

A service that must lock more rows first (the award before its payment: core.locking's lock
order) or read the locked row before the move passes its locked copy as ``locked=``; the helper
then does not lock again. ``changes`` (a dict, or ``changes(locked) -> dict`` run after the check
and before the save, where a service validates what depends on the locked row) names the other
fields the move writes. ``summary``, ``area``, ``data``, ``notify`` and ``reason`` may also be
functions of the locked row, read once it is saved, for what the move itself makes (the area an
admission creates). An ``area`` given as a value is also the workflow check's ``area``.

A move that is one part of a larger action the caller writes down itself (reissuing an offer
supersedes the old version; the one entry, ``offer.reissued``, is about the new version) passes
``recorded_with="offer.reissued"`` instead of ``verb``/``summary``: everything else is the same,
and grep still finds the verb at the move.

What the move closes is declared with it in the app's workflow (``Move(..., closes=(verbs,))``):
the open notifications of those entries that point at the object are resolved before the new
entry is recorded, so the new entry's own notifications stay open.

The activity app owns entries and notifications, and imports core; it registers how to record
and resolve when it is ready (activity.apps), so core never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from .errors import require
from .locking import copy_back, lock
from .workflow import Workflow


@dataclass(frozen=True)
class Trail:
    """How a move is written down: `record(**entry)` appends the activity entry (with its
    notifications), `resolve(target=, verbs=)` resolves open notifications about `target`."""

    record: Callable[..., object]
    resolve: Callable[..., int]


_TRAIL: list[Trail] = []


def trail_register(trail: Trail) -> None:
    _TRAIL[:] = [trail]


def _trail() -> Trail:
    if not _TRAIL:
        raise ImproperlyConfigured("No trail is registered for moves: install the activity app.")
    return _TRAIL[0]


def _of(value, locked):
    return value(locked) if callable(value) else value


def _saved_fields(model: type[models.Model], names) -> list[str]:
    fields = ["status", *names]
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) and f.name not in fields:
            fields.append(f.name)
    return list(dict.fromkeys(fields))


def move_closes(workflow: Workflow, source: str, target: str) -> tuple[str, ...]:
    move = workflow.move(source, target)
    return move.closes if move is not None else ()


@transaction.atomic
def transition(
    obj: models.Model,
    to: str,
    *,
    workflow: Workflow,
    actor,
    verb: str = "",
    summary=None,
    recorded_with: str = "",
    area=None,
    data=None,
    visibility: str = "staff",
    reason="",
    notify=(),
    occurred_at=None,
    imported: bool = False,
    changes=None,
    permission: Callable | None = None,
    locked: models.Model | None = None,
    related: tuple[str, ...] = (),
    of: tuple[str, ...] = (),
    relations: tuple[str, ...] = (),
    check_context: Callable | None = None,
    **context,
):
    """Move `obj` to the state `to` for `actor` and return `obj`, updated. Refuses (raises) as
    `permission(locked)` (an ``(allowed, reason)`` pair) or `workflow.check` does, or as a
    `changes` function does, before anything is written. See the module's docstring."""
    if bool(verb) == bool(recorded_with):
        raise ImproperlyConfigured(
            "A move is recorded by its own verb or, as part of a larger "
            "action, `recorded_with` that action's verb: give one."
        )
    if locked is None:
        locked = lock(obj, related=related, of=of)
    if permission is not None:
        require(permission(locked))
    source = str(locked.status)
    if area is not None and not callable(area):
        context.setdefault("area", area)
    if check_context is not None:
        context.update(check_context(locked))
    workflow.check(locked, to, actor, **context)
    extra = dict(_of(changes, locked) or {})
    locked.status = to
    for name, value in extra.items():
        setattr(locked, name, value)
    locked.save(update_fields=_saved_fields(type(locked), extra))
    trail = _trail()
    closes = move_closes(workflow, source, to)
    if closes:
        trail.resolve(target=locked, verbs=closes)
    if not recorded_with:
        trail.record(
            verb=verb,
            summary=_of(summary, locked),
            actor=actor,
            area=_of(area, locked),
            reason=_of(reason, locked) or "",
            visibility=visibility,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
            data=_of(data, locked),
            notify=_of(notify, locked) or (),
        )
    names = relations or tuple(dict.fromkeys(path.split("__", 1)[0] for path in related))
    return copy_back(obj, locked, relations=names) if obj is not locked else obj
