"""The one workflow engine: every status in the system is a `State` of a `Workflow`, and every
status change is a `Move` that `Workflow.check` allows or refuses.

A workflow is plain data declared in its app's ``workflows.py``::

    APPLICATION = Workflow(
        name="application",
        noun="An application",
        states=[State("draft", "Draft", "Draft: not sent yet", tone="secondary"), ...],
        moves=[Move("draft", "submitted", who={LEAD}, label="Submit"), ...],
    )
    ApplicationStatus = APPLICATION.text_choices("ApplicationStatus")  # the model's choices

A service asks before it writes, under the row lock::

    APPLICATION.check(locked, ApplicationStatus.SUBMITTED, user)   # raises MoveRefused

and a page asks which buttons to show: ``APPLICATION.moves_for(application, user)``.

"Who may" is a set of roles, or a predicate ``who(user, context) -> bool`` for rules a role set
cannot say ("a party that has not signed yet"); a move may also carry a ``guard(context)`` that
returns a reason to refuse (for example "only in a parallel sign-off round"). The context is
whatever keyword arguments the caller passes to ``check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

# The one badge vocabulary: Bootstrap's contextual colours. A badge always shows its label too,
# so colour is never the only signal.
TONES = ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark")

ADMIN = "admin"

# A move the system makes as the consequence of another decision (a payment released when the
# final plan is submitted): allowed for any caller, never offered as a button.
SYSTEM = "system"


# Every workflow by name, so templates can name one: {% status_badge plan.status workflow="plan" %}.
REGISTRY: dict[str, Workflow] = {}


class MoveRefused(ValidationError, PermissionDenied):
    """A workflow move was refused. ``reason`` is written for the person who asked; ``why`` says
    which rule refused it: ``"state"`` (the table has no such move from here), ``"role"`` (the
    move is not this person's to make) or ``"condition"`` (a guard on the move said no).

    It is both a ValidationError and a PermissionDenied so that a form shows the reason and an
    unhandled refusal in a view answers 403, never 500."""

    def __init__(self, reason: str, *, why: str = "state"):
        super().__init__(reason, code=f"move_refused_{why}")
        self.reason = reason
        self.why = why

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class State:
    name: str
    label: str  # what staff see
    applicant_label: str = ""  # what a lead organisation sees; the staff label when empty
    tone: str = "secondary"  # badge colour from TONES

    def __post_init__(self):
        if self.tone not in TONES:
            raise ValueError(f"State {self.name!r}: tone {self.tone!r} is not one of {TONES}.")


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    who: frozenset | Callable = frozenset()  # role names, SYSTEM, or who(user, context) -> bool
    label: str = ""  # the verb on the button, and in a refusal
    applicant_label: str = ""
    name: str = ""  # a short name for URLs ("confirm", "withdraw")
    who_text: str = ""  # how a refusal names the people who may, when `who` is a predicate
    guard: Callable | None = field(default=None, compare=False)  # guard(context) -> reason | None
    # The verbs of the entries whose notifications this move answers: making the move resolves
    # the open notifications of those entries that point at the object (core.transition).
    closes: tuple[str, ...] = ()

    def __post_init__(self):
        if isinstance(self.closes, str):
            raise ValueError(f"Move {self.source}->{self.target}: closes is a tuple of verbs.")

    @property
    def is_system(self) -> bool:
        return not callable(self.who) and SYSTEM in self.who


def user_role(user) -> str | None:
    """The role a workflow checks: None for anonymous or inactive users, "admin" for admins and
    superusers, otherwise the user's role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    return getattr(user, "role", None)


def _plural(label: str) -> str:
    return label.lower() + "s"


class Workflow:
    """States and the moves between them, read by one function: `check`."""

    def __init__(
        self,
        *,
        name: str,
        noun: str,
        states: Iterable[State],
        moves: Iterable[Move],
        role_labels: dict[str, str] | None = None,
        refuse_state: str = "{noun} that is {here} cannot become {there}.",
        refuse_role: str = "Only {who} can {verb} at this point.",
        who_joiner: str = ", ",
        role_phrase: Callable[[str], str] = _plural,
    ):
        self.name = name
        self.noun = noun
        self.states = {s.name: s for s in states}
        self.moves: dict[tuple[str, str], Move] = {}
        for m in moves:
            for end in (m.source, m.target):
                if end not in self.states:
                    raise ValueError(
                        f"Workflow {name}: move {m.source}->{m.target}: no state {end}."
                    )
            if (m.source, m.target) in self.moves:
                raise ValueError(f"Workflow {name}: move {m.source}->{m.target} listed twice.")
            self.moves[(m.source, m.target)] = m
        self.role_labels = role_labels or {}
        self.refuse_state = refuse_state
        self.refuse_role = refuse_role
        self.who_joiner = who_joiner
        self.role_phrase = role_phrase
        REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Workflow {self.name}: {len(self.states)} states, {len(self.moves)} moves>"

    # --- what a status is called ---------------------------------------------------------------

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(s.name, s.label) for s in self.states.values()]

    def text_choices(self, class_name: str) -> type[models.TextChoices]:
        """The model field's choices as a TextChoices class, derived from the states so that each
        status is declared once: ``ApplicationStatus = APPLICATION.text_choices(...)``."""
        return models.TextChoices(
            class_name, [(s.name.upper(), (s.name, s.label)) for s in self.states.values()]
        )

    def state(self, status: str) -> State | None:
        return self.states.get(str(status))

    def label(self, status: str, *, for_applicant: bool = False) -> str:
        s = self.state(status)
        if s is None:
            return str(status)
        return (s.applicant_label or s.label) if for_applicant else s.label

    def tone(self, status: str) -> str:
        s = self.state(status)
        return s.tone if s else "light"

    # --- moves ---------------------------------------------------------------------------------

    def move(self, source: str, target: str) -> Move | None:
        return self.moves.get((str(source), str(target)))

    def moves_from(self, status: str) -> list[Move]:
        return [m for (s, _t), m in self.moves.items() if s == str(status)]

    def move_named(self, status: str, name: str) -> Move | None:
        """The move called `name` (its URL name) from `status`, if there is one."""
        return next((m for m in self.moves_from(status) if m.name == name), None)

    def _who_text(self, move: Move) -> str:
        if move.who_text:
            return move.who_text
        if callable(move.who):
            return "the people responsible"
        names = sorted(
            self.role_phrase(self.role_labels.get(r, r.replace("_", " "))) for r in move.who
        )
        return self.who_joiner.join(names)

    def _may(self, move: Move, user, context: dict) -> bool:
        if callable(move.who):
            return bool(move.who(user, context))
        if SYSTEM in move.who:
            return True
        return user_role(user) in move.who

    def refusal(self, status, to: str, user, **context) -> MoveRefused | None:
        """The refusal `check` would raise, or None when the move is allowed."""
        status = str(getattr(status, "status", status))
        move = self.move(status, to)
        if move is None:
            return MoveRefused(
                self.refuse_state.format(
                    noun=self.noun,
                    here=self.label(status).lower(),
                    there=self.label(to).lower(),
                ),
                why="state",
            )
        if not self._may(move, user, context):
            return MoveRefused(
                self.refuse_role.format(
                    noun=self.noun, who=self._who_text(move), verb=(move.label or "do this").lower()
                ),
                why="role",
            )
        if move.guard is not None:
            reason = move.guard(context)
            if reason:
                return MoveRefused(reason, why="condition")
        return None

    def check(self, status, to: str, user, **context) -> Move:
        """Allow or refuse moving `status` (a status, or an object with a ``status``) to `to` for
        `user`. Returns the move; raises MoveRefused with the reason otherwise."""
        refused = self.refusal(status, to, user, **context)
        if refused is not None:
            raise refused
        return self.move(str(getattr(status, "status", status)), to)

    def allows(self, status, to: str, user, **context) -> tuple[bool, str]:
        """`check` as the (allowed, reason) pair that permission functions return."""
        refused = self.refusal(status, to, user, **context)
        return (True, "") if refused is None else (False, refused.reason)

    def moves_for(self, status, user, **context) -> list[Move]:
        """The moves `user` may make now, in table order, for buttons (never system moves)."""
        status = str(getattr(status, "status", status))
        return [
            m
            for m in self.moves_from(status)
            if not m.is_system and self.refusal(status, m.target, user, **context) is None
        ]
