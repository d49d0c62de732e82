"""Walk a workflow's table in a test: every listed move allowed for the roles that may make it
and refused (with MoveRefused) for everyone else, and every unlisted move refused. Each app's
workflow test calls `walk_table` with one user per role."""

from itertools import product

import pytest

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
