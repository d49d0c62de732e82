"""Staff review of progress returns (``RETURN`` in ``delivery/workflows.py``): a programme
manager, an admin or the area's relationship manager accepts a submitted return or asks for
changes with a comment per section; the lead organisation answers the comments and resubmits
(``return_submit``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.selectors import lead_members
from activity.models import Visibility
from core.errors import require
from core.locking import lock
from core.text import NOTE_CHARS
from core.transition import transition

from .. import permissions as delivery_perms
from ..models import (
    ProgressReturn,
    ReturnComment,
    ReturnReview,
    ReturnSection,
    ReturnStatus,
    ReviewDecision,
)
from ..workflows import RETURN

# The review's decision -> the return's state and the entry's verb, each written out so that a
# search for the state or the verb finds this service.
DECISION_MOVES = {
    ReviewDecision.ACCEPTED: (ReturnStatus.ACCEPTED, "progress_return.accepted"),
    ReviewDecision.CHANGES_REQUESTED: (
        ReturnStatus.CHANGES_REQUESTED,
        "progress_return.changes_requested",
    ),
}


@transaction.atomic
def return_review(
    *,
    progress_return: ProgressReturn,
    actor,
    decision: str,
    note: str = "",
    comments: dict[str, str] | None = None,
) -> ReturnReview:
    """Accept a submitted return, or ask for changes with `comments` ({section: text}, at least
    one). Tells the lead organisation either way; the staff's notifications of the submission
    are resolved (declared on the move in delivery/workflows.py)."""
    locked = lock(progress_return, related=("area",), of=("self",))
    # Who looks after the area, read once: the permission and the table's reviewer rule both
    # answer from it.
    reviewer = delivery_perms.return_review_context(actor, locked.area)
    require(delivery_perms.can_review_returns(actor, locked.area, context=reviewer))
    if decision not in DECISION_MOVES:
        raise ValidationError({"decision": "Accept the return or ask for changes."})
    status, verb = DECISION_MOVES[decision]
    comments = {
        section: text.strip()
        for section, text in (comments or {}).items()
        if section in ReturnSection.values and (text or "").strip()
    }
    note = (note or "").strip()
    now = timezone.now()
    made = []

    def write_review(locked):
        if status == ReturnStatus.CHANGES_REQUESTED and not comments:
            raise ValidationError(
                "Say what should change: write a comment on at least one section."
            )
        review = ReturnReview.objects.create(
            progress_return=locked, decision=decision, note=note, reviewer=actor, decided_at=now
        )
        ReturnComment.objects.bulk_create(
            [ReturnComment(review=review, section=s, comment=t) for s, t in comments.items()]
        )
        made.append(review)

    if status == ReturnStatus.ACCEPTED:
        summary = f"Progress return for {locked.period_label} accepted"
    else:
        sections = ", ".join(ReturnSection(s).label.lower() for s in comments)
        summary = f"Changes requested to the progress return for {locked.period_label}: {sections}"
    transition(
        progress_return,
        status,
        workflow=RETURN,
        locked=locked,
        actor=actor,
        verb=verb,
        summary=summary,
        area=locked.area,
        visibility=Visibility.AREA,
        occurred_at=now,
        reason=note,
        data={"sections": sorted(comments)},
        notify=lead_members(locked.area),
        changes=write_review,
        relations=("area",),
        **reviewer,
    )
    return made[0]


@transaction.atomic
def return_comments_answer(
    *, progress_return: ProgressReturn, actor, answers: dict[int, str]
) -> int:
    """Save the lead organisation's answers to reviewers' comments ({comment id: text}) on a
    return sent back for changes, each up to core.text.NOTE_CHARS characters (all refused when
    one is over). Returns how many answers changed."""
    locked = lock(progress_return, related=("area",), of=("self",))
    require(delivery_perms.can_edit_return(actor, locked))
    if locked.status != ReturnStatus.CHANGES_REQUESTED:
        return 0
    answers = {pk: (text or "").strip() for pk, text in answers.items()}
    too_long = [text for text in answers.values() if len(text) > NOTE_CHARS]
    if too_long:
        raise ValidationError(
            f"Keep each answer to {NOTE_CHARS:,} characters or fewer "
            f"(one has {max(map(len, too_long)):,})."
        )
    now = timezone.now()
    changed = 0
    for comment in ReturnComment.objects.select_for_update().filter(
        review__progress_return=locked, pk__in=list(answers)
    ):
        text = answers.get(comment.pk) or ""
        if text != comment.response:
            comment.response = text
            comment.responded_by, comment.responded_at = (actor, now) if text else (None, None)
            comment.save(update_fields=["response", "responded_by", "responded_at"])
            changed += 1
    return changed
