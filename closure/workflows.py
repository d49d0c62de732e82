"""Grant closure's workflows as data, read by the one engine in ``core.workflow``.

A grant closure (one per area: the final report, the reconciliation of each award, the close):

closing -> closed        a programme manager or admin closes the grant; refused while anything
                         is unreconciled (``closure.services.closure_blockers``)
closed -> correcting     a programme manager or admin opens a correction, with a reason; the
                         area's records can then be changed by programme managers and admins
correcting -> closed     closed again (the same checks)

Unspent money (one per award that paid out more than the area spent):

to_return -> returned            the money has been received in full (programme managers,
                                 finance officers and admins record receipts)
to_return -> write_off_proposed  a programme manager or admin proposes writing it off, with a
                                 reason
write_off_proposed -> written_off   a second programme manager or admin approves the write-off:
                                    never the person who proposed it
write_off_proposed -> to_return     the write-off is refused: the money is to be returned
"""

from accounts.models import Role
from core.workflow import Move, State, Workflow

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
FINANCE = Role.FINANCE_OFFICER.value
MANAGERS = frozenset({PM, ADMIN})
RECEIVERS = frozenset({PM, FINANCE, ADMIN})
ROLE_LABELS = {r.value: r.label for r in Role}

PROPOSER_MAY_NOT_APPROVE = (
    "You proposed this write-off; another programme manager or an admin must approve it."
)


def closure_ready(context) -> str | None:
    """Every reason the grant cannot be closed yet, as one sentence list (None: it can)."""
    closure = context.get("closure")
    if closure is None:
        return None
    from .services import closure_blockers  # services import this module

    reasons = closure_blockers(closure)
    return " ".join(reasons) if reasons else None


def second_approver(context) -> str | None:
    unspent, actor = context.get("unspent"), context.get("approver")
    if unspent is None or actor is None:
        return None
    if unspent.proposed_by_id is not None and unspent.proposed_by_id == actor.pk:
        return PROPOSER_MAY_NOT_APPROVE
    return None


CLOSURE = Workflow(
    name="closure",
    noun="A grant closure",
    states=[
        State("closing", "Closing", "Closing: final report and reconciliation", tone="warning"),
        State("closed", "Closed", "Closed", tone="success"),
        State("correcting", "Open for correction", "Being corrected", tone="info"),
    ],
    moves=[
        Move(
            "closing",
            "closed",
            MANAGERS,
            "Close the grant",
            name="close",
            guard=closure_ready,
            closes=("closure.started",),
        ),
        Move("closed", "correcting", MANAGERS, "Open for correction", name="correct"),
        Move(
            "correcting",
            "closed",
            MANAGERS,
            "Close the grant again",
            name="close",
            guard=closure_ready,
        ),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="A grant closure that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb}.",
)
ClosureStatus = CLOSURE.text_choices("ClosureStatus")
# A closure whose area's records are read-only.
LOCKED_STATUSES = ("closed",)
OPEN_STATUSES = ("closing", "correcting")

UNSPENT = Workflow(
    name="unspent",
    noun="Unspent money",
    states=[
        State("to_return", "To be returned", tone="warning"),
        State("returned", "Returned", tone="success"),
        State("write_off_proposed", "Write-off awaiting approval", tone="info"),
        State("written_off", "Written off", tone="secondary"),
    ],
    moves=[
        Move(
            "to_return",
            "returned",
            RECEIVERS,
            "Record money received",
            name="receive",
            closes=("unspent.to_return",),
        ),
        Move(
            "to_return",
            "write_off_proposed",
            MANAGERS,
            "Propose a write-off",
            name="propose_write_off",
            closes=("unspent.to_return",),
        ),
        Move(
            "write_off_proposed",
            "written_off",
            MANAGERS,
            "Approve the write-off",
            name="approve_write_off",
            guard=second_approver,
            closes=("unspent.write_off_proposed",),
        ),
        Move(
            "write_off_proposed",
            "to_return",
            MANAGERS,
            "Refuse the write-off",
            name="refuse_write_off",
            closes=("unspent.write_off_proposed",),
        ),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="Unspent money that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb}.",
)
UnspentStatus = UNSPENT.text_choices("UnspentStatus")
# Money that is settled: nothing more to do.
SETTLED_STATUSES = ("returned", "written_off")
