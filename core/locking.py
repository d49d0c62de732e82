"""Lock-and-refresh: a service locks the row it changes, works on the locked copy, and copies the
result back onto the caller's object so the caller sees what was saved.

Lock order. Two services that lock the same rows take them in this order, so one waits for the
other instead of the two deadlocking:

    stage-gate applications -> operational plan -> area -> award -> payments

and the area's activity chain head (taken by ``activity_record``) after the rows the service
changes, so record activity once those are locked. A service checks a rule that another
service can change (that an area is still in the programme) on the locked row, never on a copy
read before the lock: ``plan_sign_off`` locks the plan and then the area before checking the
area has not left, and ``area_leave`` locks the open gates and then the area, so a sign-off
and a leaving of the same area run one after the other whichever starts first.
"""

from django.db import models


def lock(obj: models.Model, *, related: tuple[str, ...] = (), of: tuple[str, ...] = ()):
    """The row of `obj`, freshly read and locked (SELECT ... FOR UPDATE) until the transaction
    ends. `related` are select_related paths; `of` limits the lock to those tables (PostgreSQL
    cannot lock the nullable side of an outer join, so pass ``of=("self",)`` with `related`)."""
    qs = (
        type(obj)._default_manager.select_for_update(of=of)
        if of
        else (type(obj)._default_manager.select_for_update())
    )
    if related:
        qs = qs.select_related(*related)
    return qs.get(pk=obj.pk)


def copy_back(target: models.Model, source: models.Model, *, relations: tuple[str, ...] = ()):
    """Copy every column of `source` (the locked, saved copy) onto `target` and return `target`.
    `relations` names already-loaded related objects to carry over as well."""
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    for name in relations:
        setattr(target, name, getattr(source, name))
    return target
