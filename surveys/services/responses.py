"""Answering: the first visit marks the invitation opened; answers save as a draft until the
person sends them; a sent response is final and its link takes no more answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import require
from core.locking import lock
from core.transition import transition

from .. import permissions
from ..models import Answer, Invitation, QuestionKind, Response
from ..workflows import RESPONSE, ResponseStatus


def invitation_mark_opened(*, invitation: Invitation) -> Invitation:
    """Record the first time the invitation's form was opened (once)."""
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
        invitation.refresh_from_db(fields=["opened_at"])
    return invitation


def _shown(question, item, values: dict) -> bool:
    """A follow-up counts only when its parent's answer (for the same item) is one of its
    trigger choices; otherwise whatever was typed into it is dropped."""
    parent = question.follow_up_of
    if parent is None:
        return True
    chosen = values.get((parent.pk, item.pk if item else None))
    chosen = set(chosen if isinstance(chosen, list | tuple) else [chosen] if chosen else [])
    triggers = {c.pk for c in question.shown_when.all()}
    return bool(chosen & triggers)


def _is_empty(value) -> bool:
    return value in (None, "", [], ())


def _write(response: Response, questions, values: dict) -> None:
    response.answers.all().delete()
    for question in questions:
        items = list(question.item_list.items.all()) if question.item_list_id else [None]
        for item in items:
            value = values.get((question.pk, item.pk if item else None))
            if _is_empty(value) or not _shown(question, item, values):
                continue
            answer = Answer.objects.create(
                response=response,
                question=question,
                item=item,
                number=value if question.kind == QuestionKind.NUMBER else None,
                text=value if question.kind == QuestionKind.TEXT else "",
            )
            if question.has_choices:
                answer.choices.set(value if isinstance(value, list | tuple) else [value])


def _missing(questions, values: dict) -> list[str]:
    missing = []
    for question in questions:
        if not question.required or question.follow_up_of_id:
            continue
        items = list(question.item_list.items.all()) if question.item_list_id else [None]
        if all(_is_empty(values.get((question.pk, i.pk if i else None))) for i in items):
            missing.append(question.text)
    return missing


@transaction.atomic
def response_save(*, invitation: Invitation, values: dict, send: bool, actor=None) -> Response:
    """Save the answers (`values`: (question id, item id or None) -> choice id, list of choice
    ids, number or text) as the invitation's draft, and send them when `send`. The caller has
    established that the person holds the invitation (its link, or signed in as its contact)."""
    locked = lock(invitation)
    require(permissions.can_answer(locked))
    response, _ = Response.objects.get_or_create(invitation=locked)
    questions = list(
        locked.survey.questions.select_related("follow_up_of", "item_list").prefetch_related(
            "shown_when", "item_list__items"
        )
    )
    _write(response, questions, values)
    if send:
        missing = _missing(questions, values)
        if missing:
            raise ValidationError("Please answer: " + "; ".join(missing))
        now = timezone.now()
        sent_by = actor if getattr(actor, "is_authenticated", False) else None
        # The response is read under the invitation's lock, so the move takes it as it is.
        transition(
            response,
            ResponseStatus.SENT,
            workflow=RESPONSE,
            locked=response,
            actor=sent_by,
            verb="survey.answered",
            summary=f"Survey answers sent: {locked.survey.title}",
            area=locked.area,
            changes={"sent_at": now, "sent_by": sent_by},
            invited=True,
        )
        locked.answered_at = now
        locked.save(update_fields=["answered_at"])
    response.save()
    invitation.answered_at = locked.answered_at
    return response
