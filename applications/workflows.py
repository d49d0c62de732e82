"""The state tables for applications to join a round and stage-gate applications, read by the
one engine in ``core.workflow``: every service that changes a status asks ``check`` first, so a
move the table does not list is refused whoever asks and wherever they ask from.

(An area's own status, active or left the programme, is ``programmes.workflows.AREA``.)
"""

from accounts.models import Role
from core.workflow import Move, State, Workflow

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
LEAD = Role.LEAD_ORGANISATION.value

APPLICANTS = frozenset({LEAD})
MANAGERS = frozenset({PM, ADMIN})
EITHER = frozenset({LEAD, PM, ADMIN})

# A refusal names the roles that may, as "Only admins, programme managers can ...".
ROLE_LABELS = dict(Role.choices)

# What admitting or rejecting answers: the notifications of an application sent, taken into
# assessment or recommended (core.transition resolves them when the decision is made).
ASSESSMENT_ASKED = (
    "application.submitted",
    "application.assessment_started",
    "application.recommended",
)

APPLICATION = Workflow(
    name="application",
    noun="An application",
    states=[
        State("draft", "Draft", "Draft: not sent yet", tone="secondary"),
        State("submitted", "Submitted", "Submitted: waiting for assessment", tone="info"),
        State("under_assessment", "Under assessment", "Being assessed", tone="primary"),
        State("admitted", "Admitted", "Admitted to the programme", tone="success"),
        State("rejected", "Rejected", "Not admitted", tone="danger"),
        State("withdrawn", "Withdrawn", "Withdrawn", tone="dark"),
    ],
    moves=[
        Move("draft", "submitted", APPLICANTS, "Submit", "Submit application", name="submit"),
        Move(
            "submitted",
            "under_assessment",
            MANAGERS,
            "Start assessment",
            "Assessment started",
            name="start",
        ),
        Move(
            "under_assessment",
            "admitted",
            MANAGERS,
            "Admit",
            "Admitted",
            name="admit",
            closes=ASSESSMENT_ASKED,
        ),
        Move(
            "under_assessment",
            "rejected",
            MANAGERS,
            "Reject",
            "Not admitted",
            name="reject",
            closes=ASSESSMENT_ASKED,
        ),
        Move("draft", "withdrawn", EITHER, "Withdraw", "Withdraw application", name="withdraw"),
        Move(
            "submitted",
            "withdrawn",
            EITHER,
            "Withdraw",
            "Withdraw application",
            name="withdraw",
            closes=ASSESSMENT_ASKED,
        ),
    ],
    role_labels=ROLE_LABELS,
)
ApplicationStatus = APPLICATION.text_choices("ApplicationStatus")

# What a decision answers: the notifications of a stage-gate application sent for a decision
# (core.transition resolves them when the decision, or a withdrawal, is made).
DECISION_ASKED = ("gate.submitted",)

GATE = Workflow(
    name="gate",
    noun="An application",
    states=[
        State("draft", "Draft", "Draft: not sent yet", tone="secondary"),
        State("submitted", "Submitted", "Submitted: waiting for a decision", tone="info"),
        State("approved", "Approved", "Approved", tone="success"),
        State("rejected", "Rejected", "Not approved", tone="danger"),
        State("withdrawn", "Withdrawn", "Withdrawn", tone="dark"),
    ],
    moves=[
        Move("draft", "submitted", APPLICANTS, "Submit", "Submit gate application", name="submit"),
        Move(
            "submitted",
            "approved",
            MANAGERS,
            "Approve",
            "Approved",
            name="approve",
            closes=DECISION_ASKED,
        ),
        Move(
            "submitted",
            "rejected",
            MANAGERS,
            "Reject",
            "Not approved",
            name="reject",
            closes=DECISION_ASKED,
        ),
        Move(
            "draft", "withdrawn", EITHER, "Withdraw", "Withdraw gate application", name="withdraw"
        ),
        Move(
            "submitted",
            "withdrawn",
            EITHER,
            "Withdraw",
            "Withdraw gate application",
            name="withdraw",
            closes=DECISION_ASKED,
        ),
    ],
    role_labels=ROLE_LABELS,
)
GateStatus = GATE.text_choices("GateStatus")


def _is_the_assessor(user, context) -> bool:
    assignment = context.get("assignment")
    return assignment is not None and user is not None and assignment.assessor_id == user.pk


# An assessor's assignment to an application, a stage gate or a final plan: assigned by a
# programme manager, then declared by the assessor (no conflict, or a conflict with its nature)
# before they may see it; a programme manager may remove it. A conflicted assessor stays on the
# register but cannot score or decide (applications/permissions.py).
ASSIGNMENT_ASKED = ("assessor.assigned",)

ASSESSOR = Workflow(
    name="assessor",
    noun="An assessor's assignment",
    states=[
        State("awaiting", "Awaiting declaration", tone="warning"),
        State("clear", "Declared no conflict", tone="success"),
        State("conflicted", "Declared a conflict", tone="danger"),
        State("removed", "Removed", tone="dark"),
    ],
    moves=[
        Move(
            "awaiting",
            "clear",
            _is_the_assessor,
            "Declare no conflict",
            name="declare",
            who_text="the assigned assessor",
            closes=ASSIGNMENT_ASKED,
        ),
        Move(
            "awaiting",
            "conflicted",
            _is_the_assessor,
            "Declare a conflict",
            name="declare",
            who_text="the assigned assessor",
            closes=ASSIGNMENT_ASKED,
        ),
        Move(
            "awaiting",
            "removed",
            MANAGERS,
            "Remove",
            name="remove",
            closes=ASSIGNMENT_ASKED,
        ),
        Move("clear", "removed", MANAGERS, "Remove", name="remove"),
        Move("conflicted", "removed", MANAGERS, "Remove", name="remove"),
        # Assigned again: back to what the assessor declared before (declarations are made once
        # and kept), or to awaiting one.
        Move("removed", "awaiting", MANAGERS, "Assign", name="assign"),
        Move("removed", "clear", MANAGERS, "Assign", name="assign"),
        Move("removed", "conflicted", MANAGERS, "Assign", name="assign"),
    ],
    role_labels=ROLE_LABELS,
)
AssessorStatus = ASSESSOR.text_choices("AssessorStatus")
