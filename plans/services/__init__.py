"""Writes for an area's plan documents and the operational plan's workflow, split by concept:

- ``writing``: the strategy, logic model, CBA and plan sections; ``attachments``: their documents
- ``drafts``: the plan editor's unsaved text, kept as it is typed
- ``submission``: sending the draft and the final plan; ``versions``: what a submission freezes
- ``review``: start the review, return the plan, do not approve it; ``sign_off``: the signatures
- ``peer_review``: other lead organisations' feedback on a draft

Every state change is one service: atomic, the plan row locked, the move checked against the
``PLAN`` workflow (``plans/workflows.py``), the actor's permission checked, an activity entry
written (which notifies the people involved by email after commit). Other apps import from here:
``from plans import services`` / ``from plans.services import cba_calculate``.
"""

from .attachments import attachment_add, attachment_remove
from .drafts import plan_draft_save, plan_drafts_discard
from .indicators import indicators_save
from .peer_review import peer_review_assign, peer_review_submit
from .review import (
    COMMENTABLE_SECTIONS,
    open_comments,
    plan_comment_answer,
    plan_not_approve,
    plan_return,
    plan_start_review,
    section_label,
)
from .sign_off import plan_sign_off
from .submission import final_plan_problems, plan_submit_draft, plan_submit_final
from .versions import plan_snapshot
from .writing import (
    LOGIC_MODEL_FIELDS,
    CbaResult,
    cba_calculate,
    cba_save,
    logic_model_save,
    plan_save,
    strategy_save,
)

__all__ = [
    "COMMENTABLE_SECTIONS",
    "LOGIC_MODEL_FIELDS",
    "CbaResult",
    "attachment_add",
    "attachment_remove",
    "cba_calculate",
    "cba_save",
    "final_plan_problems",
    "indicators_save",
    "logic_model_save",
    "open_comments",
    "peer_review_assign",
    "peer_review_submit",
    "plan_comment_answer",
    "plan_draft_save",
    "plan_drafts_discard",
    "plan_not_approve",
    "plan_return",
    "plan_save",
    "plan_sign_off",
    "plan_snapshot",
    "plan_start_review",
    "plan_submit_draft",
    "plan_submit_final",
    "section_label",
    "strategy_save",
]
