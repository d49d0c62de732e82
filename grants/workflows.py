"""The payment workflow as data, read by the one engine in ``core.workflow``.

Every payment service checks its move here under the row lock before it writes the status. The
model's status choices come from these states (``Payment.Status``), so each status is declared
once.

held -> scheduled   the system releases a held share when its condition is met (the final plan
                    is submitted) or a programme manager releases Making it Happen's balance;
                    either way it is a consequence of another decision, never a button here
scheduled -> approved -> paid
scheduled -> approved_once -> approved   over the programme's threshold: two approvers
held / scheduled / approved_once / approved -> cancelled

Four eyes on money. The roles in the table say who may make a move at all; the guards say which
person may, reading the payment from the context (``payment_context``):
- whoever scheduled a payment does not approve it;
- over the programme's ``payments_second_approval_over`` a second approver, different from the
  scheduler and the first approver, approves it too;
- a finance officer who approved it does not mark it as paid.
A guard without a payment in its context has nothing to judge and allows the move, so the table
can be walked by role alone.

The threshold applies to the award, not to each slip of paper. A payment needs a second approver
when it, plus the money of the same award already approved (once or twice), paid, or approved and
then cancelled, is over the threshold. The window is the award's whole life (no time limit): an
award is one decision about one sum, and any window would let patience split it. So splitting a
payment in two, or cancelling and rescheduling it, cannot lower the bar: over its whole life an
award never has more than the threshold approved by one person alone. Money only scheduled or
held back does not count until it is approved. Approving locks the award's row before reading its
money (award, then payment: the lock order in ``grants/services.py``), so two first approvals of
two halves at the same moment are served one after the other and the second sees the first.
Pages read the award's money from an annotation (``grants.selectors.with_four_eyes``), so a list
asks no query per payment.
"""

from decimal import Decimal

from django.db.models import Q

from accounts.models import Role
from core.money import pounds
from core.workflow import SYSTEM, Move, State, Workflow
from grants.holds import payment_hold_reason

MANAGERS = frozenset({Role.PROGRAMME_MANAGER.value, Role.ADMIN.value})
APPROVERS = frozenset({Role.PROGRAMME_MANAGER.value, Role.FINANCE_OFFICER.value, Role.ADMIN.value})
PAYERS = frozenset({Role.FINANCE_OFFICER.value})
MANAGERS_TEXT = "programme managers and admins"
APPROVERS_TEXT = "programme managers, finance officers and admins"

SCHEDULER_MAY_NOT_APPROVE = (
    "You scheduled this payment; another programme manager or a finance officer must approve it."
)
FIRST_APPROVER_MAY_NOT_SECOND = (
    "You gave this payment its first approval; a second approver (another programme manager or "
    "a finance officer, who did not schedule it) must approve it."
)
APPROVER_MAY_NOT_PAY = (
    "You approved this payment; a finance officer who did not approve it must mark it as paid."
)


def payment_context(payment, actor) -> dict:
    """The context the payment moves' guards read: the payment (its scheduler, approvers and
    programme threshold) and the person asking."""
    return {"payment": payment, "actor": actor}


def second_approval_over(payment) -> Decimal | None:
    """The amount above which this payment needs two approvers (None: never), from its
    programme (selectors join it, so pages ask no extra query)."""
    return payment.second_approval_over


def award_money_before(payment) -> Decimal:
    """The money of the payment's award, other than this payment, that counts towards four eyes
    (``counts_towards_four_eyes``): from the ``award_approved_other`` annotation where a selector
    or the approving service put it, otherwise read now (one query, kept on the object). Only
    what a page shows relies on it; the approving service always reads it afresh under the
    award's row lock."""
    value = getattr(payment, "award_approved_other", None)
    if value is None:
        from .selectors import award_approved_other  # selectors import the models, which import us

        value = award_approved_other(payment=payment)
        payment.award_approved_other = value
    return value


def award_total_with(payment) -> Decimal:
    """This payment plus the money of its award that counts towards four eyes."""
    return payment.amount + award_money_before(payment)


def needs_second_approval(payment) -> bool:
    limit = second_approval_over(payment)
    return limit is not None and award_total_with(payment) > limit


def second_approval_reason(payment) -> str:
    """The rule, in figures, that asks a second approver for this payment ("" when none)."""
    if not needs_second_approval(payment):
        return ""
    limit = pounds(second_approval_over(payment))
    if not award_money_before(payment):
        return (
            f"This payment of {pounds(payment.amount)} is over the programme's {limit} "
            "second-approval threshold: a second approver must approve it."
        )
    return (
        f"Payments on this award total {pounds(award_total_with(payment))} with this one, over "
        f"the programme's {limit} second-approval threshold: a second approver must approve it."
    )


def approval_target(payment) -> str:
    """Where approving takes the payment now: a scheduled payment over the threshold waits for a
    second approver (approved_once); anything else becomes approved."""
    if payment.status == "scheduled" and needs_second_approval(payment):
        return "approved_once"
    return "approved"


def _same(user, user_id) -> bool:
    return user is not None and user_id is not None and getattr(user, "pk", None) == user_id


def _context(context):
    return context.get("payment"), context.get("actor")


def _not_the_scheduler(context) -> str | None:
    payment, actor = _context(context)
    if payment is not None and _same(actor, payment.scheduled_by_id):
        return SCHEDULER_MAY_NOT_APPROVE
    return None


def _held(context) -> str | None:
    """A hold another app has put on the payment (grants/holds.py), or None."""
    payment, _ = _context(context)
    return payment_hold_reason(payment) if payment is not None else None


def _approve_alone(context) -> str | None:
    """scheduled -> approved: one approval is enough only up to the threshold."""
    payment, _ = _context(context)
    if held := _held(context):
        return held
    if payment is not None and needs_second_approval(payment):
        return second_approval_reason(payment)
    return _not_the_scheduler(context)


def _approve_first_of_two(context) -> str | None:
    """scheduled -> approved_once: only over the threshold."""
    payment, _ = _context(context)
    if held := _held(context):
        return held
    if payment is not None and not needs_second_approval(payment):
        return "This payment needs one approval only."
    return _not_the_scheduler(context)


def _approve_second(context) -> str | None:
    payment, actor = _context(context)
    if held := _held(context):
        return held
    if payment is not None and _same(actor, payment.approved_by_id):
        return FIRST_APPROVER_MAY_NOT_SECOND
    return _not_the_scheduler(context)


def _pay(context) -> str | None:
    payment, actor = _context(context)
    if held := _held(context):
        return held
    if payment is not None and (
        _same(actor, payment.approved_by_id) or _same(actor, payment.second_approved_by_id)
    ):
        return APPROVER_MAY_NOT_PAY
    return None


# What each move answers (core.transition resolves these entries' open notifications about the
# payment): approving answers the scheduling (or, the second time, the first approval's call for
# a second approver); paying answers the approval; cancelling answers all of them.
APPROVAL_ASKED = ("payment.scheduled",)
SECOND_APPROVAL_ASKED = ("payment.approved",)
PAYMENT_ASKED = ("payment.approved", "payment.second_approved")
ANY_ASKED = ("payment.scheduled", "payment.approved", "payment.second_approved")

# States in the order the model field has always listed its choices (new ones at the end), so
# the derived choices match the migrations exactly.
PAYMENT = Workflow(
    name="payment",
    noun="A payment",
    states=[
        State("scheduled", "Scheduled", "Due to be paid", tone="info"),
        State("held", "Held back", "Held back until a condition is met", tone="secondary"),
        State("approved", "Approved", "Approved for payment", tone="primary"),
        State("paid", "Paid", "Paid", tone="success"),
        State("cancelled", "Cancelled", "Cancelled", tone="light"),
        State("approved_once", "Awaiting second approval", "Being approved", tone="warning"),
    ],
    moves=[
        Move("held", "scheduled", who=frozenset({SYSTEM}), label="Release"),
        Move(
            "held",
            "cancelled",
            who=MANAGERS,
            who_text=MANAGERS_TEXT,
            label="Cancel",
            closes=ANY_ASKED,
        ),
        Move(
            "scheduled",
            "approved",
            who=APPROVERS,
            who_text=APPROVERS_TEXT,
            label="Approve",
            name="approve",
            guard=_approve_alone,
            closes=APPROVAL_ASKED,
        ),
        Move(
            "scheduled",
            "approved_once",
            who=APPROVERS,
            who_text=APPROVERS_TEXT,
            label="Approve",
            name="approve",
            guard=_approve_first_of_two,
            closes=APPROVAL_ASKED,
        ),
        Move(
            "scheduled",
            "cancelled",
            who=MANAGERS,
            who_text=MANAGERS_TEXT,
            label="Cancel",
            closes=ANY_ASKED,
        ),
        Move(
            "approved_once",
            "approved",
            who=APPROVERS,
            who_text=APPROVERS_TEXT,
            label="Approve",
            name="approve",
            guard=_approve_second,
            closes=SECOND_APPROVAL_ASKED,
        ),
        Move(
            "approved_once",
            "cancelled",
            who=MANAGERS,
            who_text=MANAGERS_TEXT,
            label="Cancel",
            closes=ANY_ASKED,
        ),
        Move(
            "approved",
            "paid",
            who=PAYERS,
            who_text="finance officers",
            label="Mark as paid",
            name="pay",
            guard=_pay,
            closes=PAYMENT_ASKED,
        ),
        Move(
            "approved",
            "cancelled",
            who=MANAGERS,
            who_text=MANAGERS_TEXT,
            label="Cancel",
            closes=ANY_ASKED,
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A payment that is {here} cannot be moved to {there}.",
    refuse_role="Only {who} can {verb} payments.",
)

PaymentStatus = PAYMENT.text_choices("PaymentStatus")


# An award is live from the decision that makes it until a programme manager cancels it (its
# unpaid payments are cancelled with it: grants.services.award_cancel).
AWARD = Workflow(
    name="award",
    noun="An award",
    states=[
        State("live", "Live", "Live", tone="success"),
        State("cancelled", "Cancelled", "Cancelled", tone="light"),
    ],
    moves=[
        Move(
            "live",
            "cancelled",
            who=MANAGERS,
            who_text=MANAGERS_TEXT,
            label="Cancel",
            name="cancel",
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="An award that is {here} cannot be {there}.",
    refuse_role="Only {who} can {verb} an award.",
)

AwardStatus = AWARD.text_choices("AwardStatus")


# --- Where each state's money counts --------------------------------------------------------------
# Every figure built from payment statuses (the budget's columns, the area and round totals, the
# finance list's totals and status filter) reads this one table, so a state cannot be left out of
# one of them: a state added to PAYMENT without a place here stops the app at import
# (``figures_check``), and grants/tests/test_money_in_every_state.py says where each state's money
# is expected to show.
AWAITING_APPROVAL = "awaiting_approval"  # payable, still to be approved (once or twice)
APPROVED = "approved"  # payable, approved: for a finance officer to pay
HELD = "held"  # held back until its condition is met
PAID = "paid"
NOWHERE = None  # cancelled: counts in no figure

MONEY_FIGURE: dict[str, str | None] = {
    "scheduled": AWAITING_APPROVAL,
    "held": HELD,
    "approved": APPROVED,
    "paid": PAID,
    "cancelled": NOWHERE,
    "approved_once": AWAITING_APPROVAL,
}


def figures_check(workflow: Workflow, figures: dict) -> None:
    """Refuse a per-state table that does not give every state of `workflow` exactly one
    place."""
    missing = sorted(set(workflow.states) - set(figures))
    unknown = sorted(set(figures) - set(workflow.states))
    if missing or unknown:
        raise ValueError(
            f"Workflow {workflow.name}: every state needs one place in a per-state table "
            f"(missing: {', '.join(missing) or 'none'}; not states: {', '.join(unknown) or 'none'})."
        )


figures_check(PAYMENT, MONEY_FIGURE)

# Which states' money counts towards an award's four-eyes total (see the docstring): money approved
# at least once, or paid (imported history is paid without approvals), or cancelled after it was
# approved (its approval dates stay on the cancelled payment). Every state has an answer, checked
# at import like the figures.
IF_APPROVED = "if approved before"
FOUR_EYES_COUNTS: dict[str, bool | str] = {
    "scheduled": False,
    "held": False,
    "approved": True,
    "paid": True,
    "cancelled": IF_APPROVED,
    "approved_once": True,
}
figures_check(PAYMENT, FOUR_EYES_COUNTS)


def counts_towards_four_eyes(prefix: str = "") -> Q:
    """The payments whose money counts towards their award's four-eyes total, as a filter
    (``prefix`` for a lookup through a relation, e.g. ``"payments__"``)."""
    always = [s for s, counts in FOUR_EYES_COUNTS.items() if counts is True]
    if_approved = [s for s, counts in FOUR_EYES_COUNTS.items() if counts == IF_APPROVED]
    return Q(**{f"{prefix}status__in": always}) | Q(
        **{f"{prefix}status__in": if_approved, f"{prefix}approved_at__isnull": False}
    )


def cancelled_after_approval(prefix: str = "") -> Q:
    """Payments cancelled after an approval (once or twice): scheduling money again on their
    award needs a reason."""
    return Q(**{f"{prefix}status": "cancelled", f"{prefix}approved_at__isnull": False})


def statuses_counted_as(*figures: str | None) -> tuple[str, ...]:
    """The states whose money counts in any of `figures`, in the workflow's order."""
    return tuple(s for s in PAYMENT.states if MONEY_FIGURE[s] in figures)


# Statuses of money still to go out: on its way to approval, then approved (in that order, for
# the finance list's filter).
PAYABLE_STATUSES = statuses_counted_as(AWAITING_APPROVAL) + statuses_counted_as(APPROVED)
