"""Due diligence on an organisation as data, read by the one engine in ``core.workflow``.

draft -> submitted      a programme manager sends the completed checklist for confirmation
submitted -> confirmed  a *different* programme manager (or an admin) confirms it: four eyes
submitted -> returned   ... or sends it back, saying why
returned -> submitted   the preparer mends it and sends it again

A confirmed checklist lasts until its ``expires_on``; expiry is a date, not a state, so it is read
where it matters (``diligence.holds``). A checklist that rates the fraud risk high also needs a
programme manager's recorded decision (the second workflow, RISK_DECISION) before money moves.

The rules read only their context (``diligence`` and ``by``, the person moving it).
"""

from accounts.models import Role
from core.workflow import ADMIN, Move, State, Workflow

PREPARERS = frozenset({Role.PROGRAMME_MANAGER.value, ADMIN})

OWN_CHECKLIST = (
    "You prepared this checklist: a different programme manager must confirm it or send it back."
)


def _not_the_preparer(context) -> str | None:
    diligence, actor = context.get("diligence"), context.get("by")
    if diligence is None or actor is None:
        return None
    if diligence.prepared_by_id is not None and diligence.prepared_by_id == actor.pk:
        return OWN_CHECKLIST
    return None


def _complete(context) -> str | None:
    """A checklist goes for confirmation only when every part of it is filled in."""
    diligence = context.get("diligence")
    if diligence is None:
        return None
    missing = diligence.missing_parts()
    if missing:
        return "The checklist is not complete: " + "; ".join(missing) + "."
    return None


SUBMITTED_ASKED = ("diligence.submitted",)

DILIGENCE = Workflow(
    name="diligence",
    noun="A due diligence checklist",
    states=[
        State("draft", "Being prepared", tone="secondary"),
        State("submitted", "Awaiting confirmation", tone="warning"),
        State("returned", "Returned for changes", tone="danger"),
        State("confirmed", "Confirmed", tone="success"),
    ],
    moves=[
        Move(
            "draft",
            "submitted",
            who=PREPARERS,
            label="Send for confirmation",
            name="submit",
            guard=_complete,
        ),
        Move(
            "returned",
            "submitted",
            who=PREPARERS,
            label="Send for confirmation",
            name="submit",
            guard=_complete,
        ),
        Move(
            "submitted",
            "confirmed",
            who=PREPARERS,
            label="Confirm",
            name="confirm",
            guard=_not_the_preparer,
            closes=SUBMITTED_ASKED,
        ),
        Move(
            "submitted",
            "returned",
            who=PREPARERS,
            label="Return for changes",
            name="return",
            guard=_not_the_preparer,
            closes=SUBMITTED_ASKED,
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A checklist that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb} a due diligence checklist.",
)
DiligenceStatus = DILIGENCE.text_choices("DiligenceStatus")
DILIGENCE_MOVE_NAMES = frozenset(m.name for m in DILIGENCE.moves.values())


# A high fraud risk needs a programme manager's decision before an award or a payment; the
# decision is its own small workflow so that it is made once, by the right people, and recorded.
RISK_DECISION = Workflow(
    name="diligence_risk",
    noun="A high-risk decision",
    states=[
        State("not_needed", "Not needed", tone="light"),
        State("pending", "Decision needed", tone="danger"),
        State("proceed", "Proceed with the mitigations", tone="success"),
        State("stop", "Do not proceed", tone="dark"),
    ],
    moves=[
        Move(
            "pending",
            "proceed",
            who=PREPARERS,
            label="Proceed with the mitigations",
            name="proceed",
        ),
        Move("pending", "stop", who=PREPARERS, label="Do not proceed", name="stop"),
        Move(
            "stop", "proceed", who=PREPARERS, label="Proceed with the mitigations", name="proceed"
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A high-risk decision that is {here} cannot become {there}.",
    refuse_role="Only {who} can record a high-risk decision.",
)
RiskDecision = RISK_DECISION.text_choices("RiskDecision")
