"""The operational plan's workflow: its states and moves as data, read by the one engine in
``core.workflow``.

draft -> draft_submitted -> (peer review) -> final_submitted -> under_review
  -> pm_approved / funder_approved (one party has signed) -> signed_off
From review (under_review, pm_approved, funder_approved) a plan can be returned (editable again,
then final_submitted) or not approved. Who signs first is a round setting: in a sequential round
the funder can only sign after the programme manager, so funder_approved is reached only in a
parallel round. Services pass the round's setting as ``sign_off_order``::

    PLAN.check(locked, PlanStatus.RETURNED, user, sign_off_order=round.sign_off_order)
"""

from core.workflow import Move, State, Workflow

LEAD = "lead_organisation"
PM = "programme_manager"
FUNDER = "funder_officer"

# How a refusal names the people who may ("Only a funder officer or a programme manager can...").
_ROLE_NAMES = {LEAD: "the lead organisation", PM: "a programme manager", FUNDER: "a funder officer"}


def parallel_round_only(context) -> str | None:
    """The funder may sign first only in a round whose sign-off order is parallel."""
    if context.get("sign_off_order") == "parallel":
        return None
    return "In this round the programme manager signs off first, then the funder."


def _move(source, target, roles, label, name, *, guard=None, closes=()) -> Move:
    return Move(
        source, target, who=frozenset(roles), label=label, name=name, guard=guard, closes=closes
    )


# What a move answers (core.transition resolves these entries' open notifications about the
# plan): starting the review answers the final plan's submission; returning or not approving it
# answers the submission and any call to co-sign; resubmitting answers the return.
REVIEW_ASKED = ("plan.final_submitted",)
DECISION_ASKED = ("plan.final_submitted", "plan.review_started", "plan.signed")
CHANGES_ASKED = ("plan.returned",)


PLAN = Workflow(
    name="plan",
    noun="A plan",
    states=[
        State("draft", "Draft", "Draft: not yet sent", tone="secondary"),
        State(
            "draft_submitted",
            "Draft submitted",
            "Draft sent: you can keep improving it and submit the final plan",
            tone="info",
        ),
        State(
            "final_submitted",
            "Final plan submitted",
            "Final plan sent: waiting for review",
            tone="primary",
        ),
        State("under_review", "Under review", "Being reviewed", tone="primary"),
        State(
            "pm_approved",
            "Approved by the programme manager",
            "Approved by the programme manager: waiting for the funder",
            tone="info",
        ),
        State(
            "funder_approved",
            "Approved by the funder",
            "Approved by the funder: waiting for the programme manager",
            tone="info",
        ),
        State("signed_off", "Signed off", "Signed off: ready for implementation", tone="success"),
        State(
            "returned",
            "Returned for changes",
            "Returned for changes: see the comments and submit again",
            tone="warning",
        ),
        State("not_approved", "Not approved", "Not approved", tone="danger"),
    ],
    # `name` is the URL (lead moves) or the review form's action (reviewers' moves).
    moves=[
        _move("draft", "draft_submitted", {LEAD}, "Submit draft", "submit_draft"),
        _move("draft_submitted", "final_submitted", {LEAD}, "Submit final plan", "submit_final"),
        _move(
            "returned",
            "final_submitted",
            {LEAD},
            "Resubmit final plan",
            "submit_final",
            closes=CHANGES_ASKED,
        ),
        _move(
            "final_submitted", "under_review", {PM}, "Start review", "start", closes=REVIEW_ASKED
        ),
        _move("under_review", "pm_approved", {PM}, "Approve and sign off", "sign_off"),
        _move(
            "under_review",
            "funder_approved",
            {FUNDER},
            "Sign off for the funder",
            "sign_off",
            guard=parallel_round_only,
        ),
        _move("pm_approved", "signed_off", {FUNDER}, "Sign off for the funder", "sign_off"),
        _move("funder_approved", "signed_off", {PM}, "Approve and sign off", "sign_off"),
        *(
            _move(
                source,
                "returned",
                {PM, FUNDER},
                "Return for changes",
                "return",
                closes=DECISION_ASKED,
            )
            for source in ("under_review", "pm_approved", "funder_approved")
        ),
        *(
            _move(
                source,
                "not_approved",
                {PM, FUNDER},
                "Do not approve",
                "not_approve",
                closes=DECISION_ASKED,
            )
            for source in ("under_review", "pm_approved", "funder_approved")
        ),
    ],
    refuse_state="{noun} that is {here} cannot become {there}.",
    role_labels=_ROLE_NAMES,
    role_phrase=str,
    refuse_role="Only {who} can do this.",
    who_joiner=" or ",
)

PlanStatus = PLAN.text_choices("PlanStatus")
S = PlanStatus

# States in which the area can still change the plan, its logic model and its CBA.
EDITABLE = {S.DRAFT, S.DRAFT_SUBMITTED, S.RETURNED}
# States in which the plan waits for a reviewer.
AWAITING_REVIEW = {S.FINAL_SUBMITTED, S.UNDER_REVIEW, S.PM_APPROVED, S.FUNDER_APPROVED}
REVIEWABLE = {S.UNDER_REVIEW, S.PM_APPROVED, S.FUNDER_APPROVED}


def applicant_label(status: str) -> str:
    """What lead organisation users see for a status (staff see PlanStatus labels)."""
    return PLAN.label(status, for_applicant=True)
