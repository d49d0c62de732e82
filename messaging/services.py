"""Writing an area's messages and staff notes, and remembering what each person has read."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import lead_members, relationship_manager
from activity.models import Notification, Visibility
from activity.services import activity_record
from core import uploads
from core.errors import require
from plans.models import MAX_ATTACHMENT_BYTES
from plans.services.attachments import ATTACHMENT_EXTENSIONS

from . import permissions as perms
from .models import Kind, Message, ThreadRead

VERBS = {Kind.MESSAGE: "message.posted", Kind.NOTE: "message.note_added"}
NAME_MAX = Message._meta.get_field("attachment_name").max_length
BODY_MAX = 10_000


def _recipients(*, area, kind: str, from_lead: bool) -> list[User]:
    """The other side: a lead organisation's message goes to the area's relationship manager and
    the programme managers; a staff message to the lead organisation's users; a staff note to
    the area's relationship manager (the author is never notified of their own words)."""
    rm = relationship_manager(area)
    if kind == Kind.NOTE:
        return [rm] if rm else []
    if from_lead:
        managers = list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True))
        return ([rm] if rm else []) + managers
    return lead_members(area)


def _summary(message: Message) -> str:
    author = message.author
    if message.kind == Kind.NOTE:
        text = f"Staff note by {author}"
    elif message.from_lead:
        text = f"{author} ({message.area.lead_organisation.name}) wrote to the programme team"
    else:
        text = f"{author} wrote to {message.area.lead_organisation.name}"
    if message.attachment_name:
        text += f", with “{message.attachment_name}”"
    return text


def _posted_before(*, area, actor, submission) -> Message | None:
    if submission is None:
        return None
    return Message.objects.filter(area=area, author=actor, submission=submission).first()


def message_post(
    *, area, actor, body: str, uploaded_file=None, note: bool = False, submission=None
) -> Message:
    """Post a message to the area's thread (or, with `note`, a staff note beside it) and notify
    the other side. An attached document must pass the plan documents' check (PDF, DOCX, XLSX or
    ODT, 10 MB, checked by content): a refused file stores nothing and posts nothing. Call it
    outside a transaction (the file is stored first and deleted again if the write fails).

    `submission` is the form's one-off token: posting it again (a double click, a request sent
    twice, even both at once) returns the message the first post made, and tells nobody again."""
    kind = Kind.NOTE if note else Kind.MESSAGE
    require(perms.can_add_note(actor, area) if note else perms.can_post_message(actor, area))
    earlier = _posted_before(area=area, actor=actor, submission=submission)
    if earlier is not None:
        return earlier
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message."})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": f"Keep a message under {BODY_MAX:,} characters."})
    checked = None
    if uploaded_file is not None:
        try:
            checked = uploads.check_upload(
                uploaded_file, allowed=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES
            )
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from exc
    message = Message(
        area=area,
        kind=kind,
        from_lead=perms.is_lead_member(actor, area),
        author=actor,
        body=body,
        submission=submission,
    )

    def write(saved: str | None) -> Message:
        if saved:
            message.attachment.name = saved
            message.attachment_name = uploads.display_name(checked.original_name, NAME_MAX)
            message.attachment_size = checked.size
        message.save()
        activity_record(
            verb=VERBS[kind],
            summary=_summary(message),
            actor=actor,
            area=area,
            reason=body,
            visibility=Visibility.STAFF if note else Visibility.AREA,
            target=message,
            data={"attachment": message.attachment_name} if saved else None,
            notify=_recipients(area=area, kind=kind, from_lead=message.from_lead),
        )
        # Writing in the thread means having read it.
        ThreadRead.objects.update_or_create(
            user=actor, area=area, defaults={"read_at": message.created_at}
        )
        return message

    try:
        if checked is None:
            with transaction.atomic():
                return write(None)
        field = Message._meta.get_field("attachment")
        path = uploads.stored_name(f"messages/{area.pk}", checked.kind.extension)
        return uploads.store_then(field.storage, path, uploaded_file, write)
    except IntegrityError:
        # The same submission, posted at the same moment, was written first (the unique
        # constraint on author and submission): that message is this one too.
        earlier = _posted_before(area=area, actor=actor, submission=submission)
        if earlier is None:
            raise
        return earlier


@transaction.atomic
def thread_mark_read(*, area, user) -> None:
    """The person has opened the area's thread: everything in it so far is read, and so are
    their notifications about its messages."""
    now = timezone.now()
    ThreadRead.objects.update_or_create(user=user, area=area, defaults={"read_at": now})
    Notification.objects.filter(
        recipient=user, read_at__isnull=True, entry__area=area, entry__verb__in=VERBS.values()
    ).update(read_at=now)
