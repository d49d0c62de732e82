"""The plan pages, split by concept: the workspace, the lead organisation's editors and
documents, submission, versions, staff review and peer review. ``plans/urls.py`` names them all
from here."""

from .attachments import attachment_delete, attachment_download, attachment_upload
from .drafts import plan_draft_save, plan_drafts_discard
from .editors import cba_edit, indicators_edit, logic_model_edit, plan_edit, strategy_edit
from .peer_review import peer_declare, peer_review_assign, peer_review_detail, peer_review_list
from .review import review, review_queue
from .submission import submit_draft, submit_final
from .versions import version_compare, version_detail
from .workspace import comment_answer, workspace

__all__ = [
    "comment_answer",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "cba_edit",
    "indicators_edit",
    "logic_model_edit",
    "peer_declare",
    "peer_review_assign",
    "peer_review_detail",
    "peer_review_list",
    "plan_draft_save",
    "plan_drafts_discard",
    "plan_edit",
    "review",
    "review_queue",
    "strategy_edit",
    "submit_draft",
    "submit_final",
    "version_compare",
    "version_detail",
    "workspace",
]
