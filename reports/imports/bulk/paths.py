"""The status paths a new record takes, read from the workflow tables (applications, plans and
grants' ``workflows.py``) and checked once per import with the import's own users, as each
service would check every move one at a time. A record's statuses are the ends of its paths, so
the bulk writer never writes a status the tables do not allow, and a table that refuses a move
(a round whose sign-off order the import cannot follow) refuses the records that need it, naming
the reason, before anything is written."""

from accounts.models import Role, User
from applications.workflows import APPLICATION, GATE, ApplicationStatus, GateStatus
from grants.models import Payment
from grants.workflows import PAYMENT
from plans.workflows import PLAN, PlanStatus

LEAD, PM, FUNDER = "lead", "pm", "funder"

# outcome in the file -> the moves the services make, each as (from, to, who makes it)
APPLICATION_PATHS = {
    "withdrawn": [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, LEAD),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN, LEAD),
    ],
    "rejected": [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, LEAD),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT, PM),
        (ApplicationStatus.UNDER_ASSESSMENT, ApplicationStatus.REJECTED, PM),
    ],
    "admitted": [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, LEAD),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT, PM),
        (ApplicationStatus.UNDER_ASSESSMENT, ApplicationStatus.ADMITTED, PM),
    ],
}
GATE_PATHS = {
    "withdrawn": [
        (GateStatus.DRAFT, GateStatus.SUBMITTED, LEAD),
        (GateStatus.SUBMITTED, GateStatus.WITHDRAWN, LEAD),
    ],
    "rejected": [
        (GateStatus.DRAFT, GateStatus.SUBMITTED, LEAD),
        (GateStatus.SUBMITTED, GateStatus.REJECTED, PM),
    ],
    "approved": [
        (GateStatus.DRAFT, GateStatus.SUBMITTED, LEAD),
        (GateStatus.SUBMITTED, GateStatus.APPROVED, PM),
    ],
}
_SUBMIT = [
    (PlanStatus.DRAFT, PlanStatus.DRAFT_SUBMITTED, LEAD),
    (PlanStatus.DRAFT_SUBMITTED, PlanStatus.FINAL_SUBMITTED, LEAD),
]
_REVIEW = (PlanStatus.FINAL_SUBMITTED, PlanStatus.UNDER_REVIEW, PM)
PLAN_PATHS = {
    "": _SUBMIT,
    "approved": [
        *_SUBMIT,
        _REVIEW,
        (PlanStatus.UNDER_REVIEW, PlanStatus.PM_APPROVED, PM),
        (PlanStatus.PM_APPROVED, PlanStatus.SIGNED_OFF, FUNDER),
    ],
    "not approved": [*_SUBMIT, _REVIEW, (PlanStatus.UNDER_REVIEW, PlanStatus.NOT_APPROVED, PM)],
    "returned": [*_SUBMIT, _REVIEW, (PlanStatus.UNDER_REVIEW, PlanStatus.RETURNED, PM)],
}
# A retention held back until the final plan is released by the system when it is submitted.
RETENTION_PATH = [(Payment.Status.HELD, Payment.Status.SCHEDULED, LEAD)]


def end(path) -> str:
    """The status a path leaves the row in."""
    return str(path[-1][1])


def _refusal(workflow, path, users, **context) -> str | None:
    for source, target, who in path:
        refused = workflow.refusal(source, target, users[who], **context)
        if refused is not None:
            return refused.reason
    return None


def refusals(ctx) -> dict[tuple[str, str], str]:
    """(column, outcome) -> why the workflow tables refuse the moves for that outcome, for every
    outcome they refuse (normally none)."""
    lead = User(username="records-import-check", role=Role.LEAD_ORGANISATION, is_active=True)
    users = {LEAD: lead, PM: ctx.pm, FUNDER: ctx.funder}
    found = {}
    tables = [
        ("application_outcome", APPLICATION, APPLICATION_PATHS, {}),
        ("getting_going_outcome", GATE, GATE_PATHS, {}),
        ("plan_outcome", PLAN, PLAN_PATHS, {"sign_off_order": ctx.round.sign_off_order}),
    ]
    for column, workflow, paths, context in tables:
        for outcome, path in paths.items():
            if reason := _refusal(workflow, path, users, **context):
                found[(column, outcome)] = reason
    if reason := _refusal(PAYMENT, RETENTION_PATH, users):
        found[("plan_submitted_on", "")] = reason
    return found


def path_problems(ctx, records) -> list[str]:
    """``line N, column C: reason`` for each record whose outcomes the tables refuse."""
    refused = refusals(ctx)
    if not refused:
        return []
    problems = []
    for record in records:
        wanted = [("application_outcome", record.application_outcome)]
        if record.getting_going_outcome:
            wanted.append(("getting_going_outcome", record.getting_going_outcome))
        if record.plan_submitted_on:
            wanted += [("plan_outcome", record.plan_outcome), ("plan_submitted_on", "")]
        problems += [
            f"line {record.line}, column {column}: {refused[(column, outcome)]}"
            for column, outcome in wanted
            if (column, outcome) in refused
        ]
    return problems
