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
