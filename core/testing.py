"""Helpers for tests.

`walk_table` walks a workflow's table: every listed move allowed for the roles that may make it
and refused (with MoveRefused) for everyone else, and every unlisted move refused. Each app's
workflow test calls it with one user per role.

`form_data` reads a page's form as a browser would send it, so a test can change one field and
post the rest back unchanged (the admin's change pages, with their inlines)."""

from html.parser import HTMLParser
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
