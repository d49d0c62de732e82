"""Delivery's workflows as data, read by the one engine in ``core.workflow``. The model status
choices are derived from these states (``CommitmentStatus``, ``ReturnStatus``), so each status is
declared once.

A match-funding commitment:

committed -> confirmed (a programme manager has seen the body's signed letter)
confirmed -> received  (the money has been paid in, usually after the first year)
committed / confirmed -> withdrawn (the body pulled out)

Received and withdrawn are final. The lead organisation records what its partners do; a
programme manager or admin may do the same on its behalf, and only they confirm.

A progress return: draft -> submitted, by the area's lead organisation or, on its behalf, a
programme manager or admin (as for every delivery record). The area scope and "not submitted
yet" are ``delivery/permissions.py``'s to answer, before the table is asked.

The return states pages show ("due", "overdue", "upcoming") are dates read against a draft, not
workflow states: see ``ProgressReturn.state_on``.
"""

from accounts.models import Role
from core.workflow import Move, State, Workflow

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
LEAD = Role.LEAD_ORGANISATION.value
ROLE_LABELS = {r.value: r.label for r in Role}

COMMITMENT = Workflow(
    name="commitment",
    noun="A commitment",
    states=[
        State("committed", "Committed", tone="info"),
        State("confirmed", "Confirmed", tone="primary"),
        State("received", "Received", tone="success"),
        State("withdrawn", "Withdrawn", tone="light"),
    ],
    moves=[
        Move("committed", "confirmed", who=frozenset({PM, ADMIN}), name="confirm", label="Confirm"),
        Move(
            "confirmed",
            "received",
            who=frozenset({LEAD, PM, ADMIN}),
            name="receive",
            label="Record receipt",
        ),
        Move(
            "committed",
            "withdrawn",
            who=frozenset({LEAD, PM, ADMIN}),
            name="withdraw",
            label="Withdraw",
        ),
        Move(
            "confirmed",
            "withdrawn",
            who=frozenset({LEAD, PM, ADMIN}),
            name="withdraw",
            label="Withdraw",
        ),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="A {here} commitment cannot become {there}.",
    refuse_role="Only {who} can {verb} a commitment at this point.",
)
CommitmentStatus = COMMITMENT.text_choices("CommitmentStatus")

# The moves' URL names: /commitments/<pk>/<move name>/.
MOVE_NAMES = frozenset(m.name for m in COMMITMENT.moves.values())

RETURN = Workflow(
    name="return",
    noun="A return",
    states=[
        State("draft", "Draft", tone="secondary"),
        State("submitted", "Submitted", tone="success"),
    ],
    moves=[
        Move("draft", "submitted", who=frozenset({LEAD, PM, ADMIN}), label="Submit"),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="A {here} return cannot become {there}.",
    refuse_role="Only {who} can {verb} a return.",
)
ReturnStatus = RETURN.text_choices("ReturnStatus")
