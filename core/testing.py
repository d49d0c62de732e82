"""Walk a workflow against a table of who may make each move that the test writes out by hand.

The table is the test's own statement of the rules, in literal strings: the workflow's states,
and for each move (from, to) the people who may make it. `walk_expected` asks the engine about
every (from, to, person) and fails, listing each disagreement, unless

- a move the table lists is allowed for exactly the people it names and refused "role" for
  everyone else (or refused "condition" when the table says a guard stops it in this context),
- a move the table does not list is refused "state" for everyone.

So changing who may make a move, adding a move or dropping one fails a test until the table
agrees. (The walk never reads ``Move.who``: an expectation derived from the code under test
could not fail.) Every workflow in the project has at least one table:
``core/tests/test_every_workflow_has_a_table.py`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from .workflow import MoveRefused, Workflow

# In a table: every caller may make the move, signed in or not (a move the system makes as the
# consequence of another decision, or one whose checks all come before the table is asked).
EVERYONE = "everyone"


@dataclass(frozen=True)
class RoleTable:
    """Who may make each move of one workflow, as a test states it.

    ``moves`` maps (from, to) to the people who may make it: role names, or names the test gives
    to particular people ("the area's relationship manager"), matching the keys of the people
    the walk is given; an empty set is a move nobody may make in this context. ``context`` says,
    for the reader, what the walk passes to the guards and predicates and what they then do."""

    workflow: str
    states: tuple[str, ...]
    moves: dict[tuple[str, str], frozenset[str] | set[str]]
    refused_by_condition: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    context: str = "empty: guards that need a context have nothing to judge and allow"


def _expected(table: RoleTable, source: str, target: str, who: str) -> str | None:
    """ "state", "role", "condition" (the refusal the table expects) or None (allowed)."""
    allowed = table.moves.get((source, target))
    if allowed is None:
        return "state"
    if who not in allowed and EVERYONE not in allowed:
        return "role"
    return "condition" if (source, target) in table.refused_by_condition else None


def _answer(outcome: str | None) -> str:
    return "allowed" if outcome is None else f"refused ({outcome})"


def _table_problems(workflow: Workflow, table: RoleTable, people: dict) -> list[str]:
    problems = []
    if table.workflow != workflow.name:
        problems.append(f"the table is for {table.workflow!r}, the workflow is {workflow.name!r}")
    if set(table.states) != set(workflow.states):
        problems.append(
            f"states: the table has {sorted(table.states)}, the workflow {sorted(workflow.states)}"
        )
    for (source, target), allowed in table.moves.items():
        unknown = set(allowed) - set(people) - {EVERYONE}
        if unknown:
            problems.append(f"{source} -> {target}: nobody in the walk is called {sorted(unknown)}")
    return problems


def walk_expected(workflow: Workflow, table: RoleTable, people: dict, **context) -> int:
    """Check every (from, to, person) of `workflow` against `table`; return how many cases.

    `people` maps a name (each role, "anonymous", and any particular person the table names) to
    a user; `context` is passed to the engine as a service would pass it."""
    problems = _table_problems(workflow, table, people)
    assert not problems, f"The {table.workflow} table does not fit:\n  " + "\n  ".join(problems)
    disagreements = []
    cases = 0
    for (source, target), (who, user) in product(product(table.states, repeat=2), people.items()):
        cases += 1
        expected = _expected(table, source, target, who)
        refused: MoveRefused | None = workflow.refusal(source, target, user, **context)
        got = None if refused is None else refused.why
        if got != expected:
            disagreements.append(
                f"{source} -> {target} by {who}: the table says {_answer(expected)}, "
                f"the workflow says {_answer(got)}"
                + (f" ({refused.reason})" if refused is not None else "")
            )
        elif refused is None:
            move = workflow.check(source, target, user, **context)
            assert (move.source, move.target) == (source, target)
        else:
            assert refused.reason, (source, target, who)
    assert not disagreements, (
        f"The {workflow.name} workflow disagrees with its table in {len(disagreements)} "
        "case(s):\n  " + "\n  ".join(disagreements)
    )
    return cases
