"""The bank account workflow as data, read by the one engine in ``core.workflow``.

A lead organisation's account is the commonest target of grant fraud (a message "from the
charity" giving new bank details), so no account is paid into until somebody independent has
confirmed it by calling the organisation back on a number they already hold:

pending -> confirmed    a finance officer or programme manager who did not enter it, with the
                        call-back (who was called, on which number, when)
pending -> rejected     the same people, with a reason (the call-back did not confirm it)
confirmed -> superseded the system, when the organisation's next account is confirmed

While an organisation has an account pending, or no confirmed account at all, its unpaid
payments are held (banking/holds.py, through grants/holds.py).
"""

from accounts.models import Role
from core.workflow import SYSTEM, Move, State, Workflow

CONFIRMERS = frozenset({Role.FINANCE_OFFICER.value, Role.PROGRAMME_MANAGER.value})
CONFIRMERS_TEXT = "finance officers and programme managers"

ENTERER_MAY_NOT_CONFIRM = (
    "You entered these bank details; another finance officer or programme manager must call the "
    "organisation back and confirm them."
)


def _not_the_enterer(context) -> str | None:
    account, actor = context.get("account"), context.get("actor")
    if account is None or actor is None:
        return None
    if account.entered_by_id is not None and account.entered_by_id == getattr(actor, "pk", None):
        return ENTERER_MAY_NOT_CONFIRM
    return None


# The verb of the entry that asks for a confirmation: confirming or rejecting answers it.
CONFIRMATION_ASKED = ("bank_account.entered",)

BANK_ACCOUNT = Workflow(
    name="bank_account",
    noun="A bank account",
    states=[
        State("pending", "Awaiting confirmation", "Being checked by the programme", tone="warning"),
        State("confirmed", "Confirmed", "Confirmed", tone="success"),
        State("rejected", "Rejected", "Not accepted", tone="danger"),
        State("superseded", "Replaced", "Replaced", tone="light"),
    ],
    moves=[
        Move(
            "pending",
            "confirmed",
            who=CONFIRMERS,
            who_text=CONFIRMERS_TEXT,
            label="Confirm",
            name="confirm",
            guard=_not_the_enterer,
            closes=CONFIRMATION_ASKED,
        ),
        Move(
            "pending",
            "rejected",
            who=CONFIRMERS,
            who_text=CONFIRMERS_TEXT,
            label="Reject",
            name="reject",
            closes=CONFIRMATION_ASKED,
        ),
        Move("confirmed", "superseded", who=frozenset({SYSTEM}), label="Replace"),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A bank account that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb} bank details.",
)

BankAccountStatus = BANK_ACCOUNT.text_choices("BankAccountStatus")
