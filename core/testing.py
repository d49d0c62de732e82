"""Helpers for tests.

Walk a workflow's table in a test: every listed move allowed for the roles that may make it
and refused (with MoveRefused) for everyone else, and every unlisted move refused. Each app's
workflow test calls `walk_table` with one user per role.

The test clock: `today()` is the one way a test asks what day it is (see the end of the file)."""

import datetime
from itertools import product
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from .workflow import SYSTEM, MoveRefused, Workflow


def walk_table(workflow: Workflow, users_by_role: dict, **context) -> int:
    """Check every (source, target, role) of `workflow`; return how many cases were checked.

    `users_by_role` maps each role name (and "anonymous" to an AnonymousUser) to a user. Moves
    whose `who` is a predicate are checked by their predicate's answer for each user, with the
    given context."""
    cases = 0
    for source, target in product(workflow.states, repeat=2):
        move = workflow.move(source, target)
        for role, user in users_by_role.items():
            cases += 1
            if move is None:
                with pytest.raises(MoveRefused) as refused:
                    workflow.check(source, target, user, **context)
                assert refused.value.why == "state", (source, target, role)
                continue
            if callable(move.who):
                may = bool(move.who(user, context))
            else:
                may = SYSTEM in move.who or role in move.who
            guard_reason = move.guard(context) if (may and move.guard) else None
            if may and not guard_reason:
                assert workflow.check(source, target, user, **context) is move, (
                    source,
                    target,
                    role,
                )
            else:
                with pytest.raises(MoveRefused) as refused:
                    workflow.check(source, target, user, **context)
                assert refused.value.why == ("role" if not may else "condition"), (
                    source,
                    target,
                    role,
                )
                assert refused.value.reason
    return cases


# The test clock. The site's day is the day in London (TIME_ZONE), whatever the machine's own
# zone, so a test's "today" is too: `date.today()` reads the process's zone and a date fixed at
# import time goes stale when a run crosses midnight. Call `today()` inside the test (or a
# factory's LazyFunction), never at import time; tests whose meaning depends on the day take the
# `clock` fixture (root conftest.py), which holds the day still for the length of the test.
LONDON = ZoneInfo("Europe/London")


def today() -> datetime.date:
    """The date in London now, read at call time (so a frozen or travelling clock is obeyed)."""
    return timezone.now().astimezone(LONDON).date()


def next_london_noon() -> datetime.datetime:
    """The next midday in London (today's while it is still morning there): twelve hours from
    either midnight, so a test that starts there cannot see the date change under it, and
    forward from now, so nothing made earlier in the run is dated after what the test makes."""
    now = timezone.now().astimezone(LONDON)
    noon = datetime.datetime.combine(now.date(), datetime.time(12), tzinfo=LONDON)
    return noon if now <= noon else noon + datetime.timedelta(days=1)
