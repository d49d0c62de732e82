"""The operational plan's state table: plain data read by one function, `check_move`.

draft -> draft_submitted -> (peer review) -> final_submitted -> under_review
  -> pm_approved / funder_approved (one party has signed) -> signed_off
From review (under_review, pm_approved, funder_approved) a plan can be returned (editable again,
then final_submitted) or not approved. Who signs first is a round setting: in a sequential round
the funder can only sign after the programme manager, so funder_approved is reached only in a
parallel round.
"""

from django.db import models

from accounts import permissions as perms


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    DRAFT_SUBMITTED = "draft_submitted", "Draft submitted"
    FINAL_SUBMITTED = "final_submitted", "Final plan submitted"
    UNDER_REVIEW = "under_review", "Under review"
    PM_APPROVED = "pm_approved", "Approved by the programme manager"
    FUNDER_APPROVED = "funder_approved", "Approved by the funder"
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned for changes"
    NOT_APPROVED = "not_approved", "Not approved"


S = PlanStatus

# What lead organisation users see for each state (staff see PlanStatus labels).
APPLICANT_LABELS = {
    S.DRAFT: "Draft: not yet sent",
    S.DRAFT_SUBMITTED: "Draft sent: you can keep improving it and submit the final plan",
    S.FINAL_SUBMITTED: "Final plan sent: waiting for review",
    S.UNDER_REVIEW: "Being reviewed",
    S.PM_APPROVED: "Approved by the programme manager: waiting for the funder",
    S.FUNDER_APPROVED: "Approved by the funder: waiting for the programme manager",
    S.SIGNED_OFF: "Signed off: ready for implementation",
    S.RETURNED: "Returned for changes: see the comments and submit again",
    S.NOT_APPROVED: "Not approved",
}

# States in which the area can still change the plan, its logic model and its CBA.
EDITABLE = {S.DRAFT, S.DRAFT_SUBMITTED, S.RETURNED}
# States in which the plan waits for a reviewer.
AWAITING_REVIEW = {S.FINAL_SUBMITTED, S.UNDER_REVIEW, S.PM_APPROVED, S.FUNDER_APPROVED}
REVIEWABLE = {S.UNDER_REVIEW, S.PM_APPROVED, S.FUNDER_APPROVED}

LEAD = "lead_organisation"
PM = "programme_manager"
FUNDER = "funder_officer"

_ROLE_CHECKS = {
    LEAD: perms.is_lead_organisation_user,
    PM: perms.is_programme_manager,
    FUNDER: perms.is_funder_officer,
}
_ROLE_NAMES = {LEAD: "the lead organisation", PM: "a programme manager", FUNDER: "a funder officer"}

# (from, to): (roles allowed, label of the action, only in a parallel sign-off round)
MOVES: dict[tuple[str, str], tuple[frozenset[str], str, bool]] = {
    (S.DRAFT, S.DRAFT_SUBMITTED): (frozenset({LEAD}), "Submit draft", False),
    (S.DRAFT_SUBMITTED, S.FINAL_SUBMITTED): (frozenset({LEAD}), "Submit final plan", False),
    (S.RETURNED, S.FINAL_SUBMITTED): (frozenset({LEAD}), "Resubmit final plan", False),
    (S.FINAL_SUBMITTED, S.UNDER_REVIEW): (frozenset({PM}), "Start review", False),
    (S.UNDER_REVIEW, S.PM_APPROVED): (frozenset({PM}), "Approve and sign off", False),
    (S.UNDER_REVIEW, S.FUNDER_APPROVED): (frozenset({FUNDER}), "Sign off for the funder", True),
    (S.PM_APPROVED, S.SIGNED_OFF): (frozenset({FUNDER}), "Sign off for the funder", False),
    (S.FUNDER_APPROVED, S.SIGNED_OFF): (frozenset({PM}), "Approve and sign off", False),
    (S.UNDER_REVIEW, S.RETURNED): (frozenset({PM, FUNDER}), "Return for changes", False),
    (S.PM_APPROVED, S.RETURNED): (frozenset({PM, FUNDER}), "Return for changes", False),
    (S.FUNDER_APPROVED, S.RETURNED): (frozenset({PM, FUNDER}), "Return for changes", False),
    (S.UNDER_REVIEW, S.NOT_APPROVED): (frozenset({PM, FUNDER}), "Do not approve", False),
    (S.PM_APPROVED, S.NOT_APPROVED): (frozenset({PM, FUNDER}), "Do not approve", False),
    (S.FUNDER_APPROVED, S.NOT_APPROVED): (frozenset({PM, FUNDER}), "Do not approve", False),
}


def check_move(
    from_status: str, to_status: str, user, *, sign_off_order: str = ""
) -> tuple[bool, str]:
    """May `user` move a plan from one state to another? Returns (allowed, reason).

    `sign_off_order` is the round's setting; moves reserved for a parallel round are refused in a
    sequential one with a reason the user can act on."""
    move = MOVES.get((from_status, to_status))
    if move is None:
        return False, (
            f"A plan that is {S(from_status).label.lower()} cannot become "
            f"{S(to_status).label.lower()}."
        )
    roles, _label, parallel_only = move
    if not any(_ROLE_CHECKS[r](user) for r in roles):
        names = " or ".join(_ROLE_NAMES[r] for r in sorted(roles))
        return False, f"Only {names} can do this."
    if parallel_only and sign_off_order != "parallel":
        return False, "In this round the programme manager signs off first, then the funder."
    return True, ""


def next_moves(from_status: str, user, *, sign_off_order: str = "") -> list[tuple[str, str]]:
    """(to, label) for each move this user may make now."""
    return [
        (to, label)
        for (frm, to), (_roles, label, _p) in MOVES.items()
        if frm == from_status and check_move(frm, to, user, sign_off_order=sign_off_order)[0]
    ]


def applicant_label(status: str) -> str:
    return APPLICANT_LABELS.get(status, S(status).label)
