"""The payment workflow as data, read by the one engine in ``core.workflow``.

Every payment service checks its move here under the row lock before it writes the status. The
model's status choices come from these states (``Payment.Status``), so each status is declared
once.

held -> scheduled   the system releases a held share when its condition is met (the final plan
                    is submitted) or a programme manager releases Making it Happen's balance;
                    either way it is a consequence of another decision, never a button here
scheduled -> approved -> paid
held / scheduled / approved -> cancelled
"""

from accounts.models import Role
from core.workflow import SYSTEM, Move, State, Workflow

MANAGERS = frozenset({Role.PROGRAMME_MANAGER.value, Role.ADMIN.value})

# States in the order the model field has always listed its choices, so the derived choices match
# the migrations exactly.
PAYMENT = Workflow(
    name="payment",
    noun="A payment",
    states=[
        State("scheduled", "Scheduled", "Due to be paid", tone="info"),
        State("held", "Held back", "Held back until a condition is met", tone="secondary"),
        State("approved", "Approved", "Approved for payment", tone="primary"),
        State("paid", "Paid", "Paid", tone="success"),
        State("cancelled", "Cancelled", "Cancelled", tone="light"),
    ],
    moves=[
        Move("held", "scheduled", who=frozenset({SYSTEM}), label="Release"),
        Move("held", "cancelled", who=MANAGERS, label="Cancel"),
        Move("scheduled", "approved", who=MANAGERS, label="Approve"),
        Move("scheduled", "cancelled", who=MANAGERS, label="Cancel"),
        Move("approved", "paid", who=MANAGERS, label="Mark as paid"),
        Move("approved", "cancelled", who=MANAGERS, label="Cancel"),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A payment that is {here} cannot be moved to {there}.",
    refuse_role="Only programme managers and admins can {verb} payments.",
)

PaymentStatus = PAYMENT.text_choices("PaymentStatus")
