"""What assessors are assigned to (GovS 015), as a registry: each kind of subject names its model,
the assignment's and declaration's field that points at it, and how the programme team loads one
for the assessors' pages. Applications and stage gates are this app's own; the final plan is
declared by the plans app in its app config, so that this app never imports plans (plans
depends on this app's assessor rules, not the other way round)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AssessedKind:
    kind: str  # the kind in the assessors' URLs: "application", "gate", "plan"
    model: type  # the subject's model
    field: str  # the AssessorAssignment / ConflictDeclaration field that points at it
    load: Callable  # load(user, pk) -> the subject the user may see, or None


_KINDS: dict[str, AssessedKind] = {}


def register(kind: AssessedKind) -> None:
    _KINDS[kind.kind] = kind


def get(kind: str) -> AssessedKind | None:
    return _KINDS.get(kind)


def kind_for(subject) -> AssessedKind:
    """The registered kind of `subject`; TypeError for anything nobody assesses."""
    for kind in _KINDS.values():
        if isinstance(subject, kind.model):
            return kind
    raise TypeError(f"Nobody assesses a {type(subject).__name__}.")
