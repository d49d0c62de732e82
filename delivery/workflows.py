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
programme manager or admin (as for every delivery record), once the return's window has opened
(the last ``Round.returns_open_days_before_end`` days of its period). Staff review it: a
programme manager, an admin or the area's relationship manager accepts it (final) or asks for
changes with comments per section; the lead answers every comment and resubmits
(changes_requested -> submitted). The area scope is ``delivery/permissions.py``'s to answer,
before the table is asked.

The return states pages show ("due", "overdue", "upcoming") are dates read against a draft, not
workflow states: see ``ProgressReturn.state_on``.
"""

from accounts import permissions as perms
from accounts.models import Role
from core.wording import days
from core.workflow import Move, State, Workflow

PM = Role.PROGRAMME_MANAGER.value
ADMIN = Role.ADMIN.value
LEAD = Role.LEAD_ORGANISATION.value
ROLE_LABELS = {r.value: r.label for r in Role}

# What a commitment's moves answer (closes= on a move resolves those notifications of the
# commitment when it is made, core.transition): the relationship manager's notice of a new
# commitment waits for its confirmation (or withdrawal); the lead organisation's notice that it
# was confirmed waits for the money to be recorded as received (or the commitment withdrawn).
COMMITMENT_RECORDED = ("match_funding.committed",)
COMMITMENT_CONFIRMED = ("match_funding.confirmed",)

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
        Move(
            "committed",
            "confirmed",
            who=frozenset({PM, ADMIN}),
            name="confirm",
            label="Confirm",
            closes=COMMITMENT_RECORDED,
        ),
        Move(
            "confirmed",
            "received",
            who=frozenset({LEAD, PM, ADMIN}),
            name="receive",
            label="Record receipt",
            closes=COMMITMENT_CONFIRMED,
        ),
        Move(
            "committed",
            "withdrawn",
            who=frozenset({LEAD, PM, ADMIN}),
            name="withdraw",
            label="Withdraw",
            closes=COMMITMENT_RECORDED,
        ),
        Move(
            "confirmed",
            "withdrawn",
            who=frozenset({LEAD, PM, ADMIN}),
            name="withdraw",
            label="Withdraw",
            closes=COMMITMENT_CONFIRMED,
        ),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="A {here} commitment cannot become {there}.",
    refuse_role="Only {who} can {verb} a commitment at this point.",
)
CommitmentStatus = COMMITMENT.text_choices("CommitmentStatus")

# The moves' URL names: /commitments/<pk>/<move name>/.
MOVE_NAMES = frozenset(m.name for m in COMMITMENT.moves.values())


def is_return_reviewer(user, context) -> bool:
    """Programme managers, admins and the relationship manager who looks after the area now: the
    context's ``area_relationship_manager_id``, which the caller reads once
    (``delivery.permissions.return_review_context``), so this rule reads only what it is given."""
    if perms.is_manager_or_admin(user):
        return True
    looks_after = context.get("area_relationship_manager_id")
    return (
        looks_after is not None
        and perms.is_relationship_manager(user)
        and looks_after == getattr(user, "pk", None)
    )


def return_window_open(context) -> str | None:
    """A return can be sent only from the last days of its period (the round's
    ``returns_open_days_before_end``): a return for 16 Nov to 15 Feb is not sent on 26 Nov."""
    progress_return, today = context.get("progress_return"), context.get("today")
    if progress_return is None or today is None:
        return None
    opens_on = progress_return.opens_on
    if today < opens_on:
        return (
            f"This return opens for submission on {opens_on:%-d %B %Y}, "
            f"{days(progress_return.area.round.returns_open_days_before_end)} before its period "
            f"ends on {progress_return.period_end:%-d %B %Y}. You can save a draft until then."
        )
    return None


def _comments_answered(context) -> str | None:
    """Every comment of the latest request for changes needs an answer before resubmitting."""
    progress_return = context.get("progress_return")
    if progress_return is None:
        return None
    if progress_return.unanswered_comments():
        return "Answer each of the reviewer's comments before you resubmit the return."
    return None


# What a review answers: the staff's notifications that the return was sent (closes= on a move
# resolves those notifications of the return when the move is made, core.transition).
REVIEW_ASKED = ("progress_return.submitted", "progress_return.resubmitted")

REVIEWERS_TEXT = "programme managers, admins and the area's relationship manager"

RETURN = Workflow(
    name="return",
    noun="A return",
    states=[
        State("draft", "Draft", tone="secondary"),
        State("submitted", "Awaiting review", "Submitted: waiting for review", tone="info"),
        State(
            "changes_requested",
            "Changes requested",
            "Changes requested: answer the comments and resubmit",
            tone="warning",
        ),
        State("accepted", "Accepted", tone="success"),
    ],
    moves=[
        Move(
            "draft",
            "submitted",
            who=frozenset({LEAD, PM, ADMIN}),
            label="Submit",
            name="submit",
            guard=return_window_open,
            closes=("progress_return.overdue",),
        ),
        Move(
            "changes_requested",
            "submitted",
            who=frozenset({LEAD, PM, ADMIN}),
            label="Resubmit",
            name="submit",
            guard=_comments_answered,
            closes=("progress_return.changes_requested",),
        ),
        Move(
            "submitted",
            "accepted",
            who=is_return_reviewer,
            who_text=REVIEWERS_TEXT,
            label="Accept",
            name="accept",
            closes=REVIEW_ASKED,
        ),
        Move(
            "submitted",
            "changes_requested",
            who=is_return_reviewer,
            who_text=REVIEWERS_TEXT,
            label="Ask for changes",
            name="request_changes",
            closes=REVIEW_ASKED,
        ),
    ],
    role_labels=ROLE_LABELS,
    refuse_state="A return that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb} a return.",
)
ReturnStatus = RETURN.text_choices("ReturnStatus")
# A return the area has sent (whatever the review made of it) counts as submitted in reports.
SENT_STATUSES = ("submitted", "changes_requested", "accepted")
# A return the area can still change.
EDITABLE_STATUSES = ("draft", "changes_requested")
