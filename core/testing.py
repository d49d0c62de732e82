"""Helpers for tests.

Walk a workflow against a table of who may make each move that the test writes out by hand.

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

`form_data` reads a page's form as a browser would send it, so a test can change one field and
post the rest back unchanged (the admin's change pages, with their inlines).

The test clock: `today()` is the one way a test asks what day it is (see the end of the file).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from zoneinfo import ZoneInfo

from django.utils import timezone

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


def walk_expected(
    workflow: Workflow, table: RoleTable, people: dict, *, context_for=None, **context
) -> int:
    """Check every (from, to, person) of `workflow` against `table`; return how many cases.

    `people` maps a name (each role, "anonymous", and any particular person the table names) to
    a user; `context` is passed to the engine as a service would pass it, with what
    `context_for(user)` adds for each person (what a service reads about the person acting)."""
    problems = _table_problems(workflow, table, people)
    assert not problems, f"The {table.workflow} table does not fit:\n  " + "\n  ".join(problems)
    disagreements = []
    cases = 0
    for (source, target), (who, user) in product(product(table.states, repeat=2), people.items()):
        cases += 1
        expected = _expected(table, source, target, who)
        own = {**context, **(context_for(user) if context_for else {})}
        refused: MoveRefused | None = workflow.refusal(source, target, user, **own)
        got = None if refused is None else refused.why
        if got != expected:
            disagreements.append(
                f"{source} -> {target} by {who}: the table says {_answer(expected)}, "
                f"the workflow says {_answer(got)}"
                + (f" ({refused.reason})" if refused is not None else "")
            )
        elif refused is None:
            move = workflow.check(source, target, user, **own)
            assert (move.source, move.target) == (source, target)
        else:
            assert refused.reason, (source, target, who)
    assert not disagreements, (
        f"The {workflow.name} workflow disagrees with its table in {len(disagreements)} "
        "case(s):\n  " + "\n  ".join(disagreements)
    )
    return cases


class _FormFields(HTMLParser):
    """What a browser would send for one form of a page: its inputs, ticked boxes, chosen
    options and text areas (submit buttons and file inputs left out)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a and value is not None:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self.fields += [(self._select["name"], v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(html: str, form_id: str) -> dict:
    """The data a browser would post from the form `form_id` of `html`, unchanged: tests take it,
    change one field, and post it back (as an admin does on a change page). A name sent more
    than once (a multiple choice) maps to a list."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.fields:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


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
