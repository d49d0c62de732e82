"""Supporting documents for the strategy and the plan: stored privately, checked by content as
well as by name."""

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core import uploads
from core.errors import require
from programmes.models import Area

from .. import permissions as plan_perms
from ..models import MAX_ATTACHMENT_BYTES, OperationalPlan, PlanAttachment

ATTACHMENT_EXTENSIONS = ("pdf", "docx", "xlsx", "odt")
TITLE_MAX = PlanAttachment._meta.get_field("title").max_length
FILENAME_MAX = PlanAttachment._meta.get_field("filename").max_length


def attachment_add(
    *, area: Area, actor, uploaded_file, title: str = "", document: str = "plan"
) -> PlanAttachment:
    """Store a supporting document privately. PDF, DOCX, XLSX or ODT only, 10 MB at most, checked
    by content (core.uploads), so a renamed or disguised file is refused. The file is stored under
    a generated name; the original name (cut to the column) is kept for display. If the database
    write fails the stored file is deleted again."""
    plan = OperationalPlan.objects.filter(area=area).first() if document == "plan" else None
    require(plan_perms.can_edit_documents(actor, area, plan))
    try:
        checked = uploads.check_upload(
            uploaded_file, allowed=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = uploads.display_name(checked.original_name, FILENAME_MAX)
    title = uploads.display_name(title.strip() or name, TITLE_MAX)
    field = PlanAttachment._meta.get_field("file")

    def write(saved: str) -> PlanAttachment:
        attachment = PlanAttachment(
            area=area,
            document=document,
            title=title,
            filename=name,
            size=checked.size,
            uploaded_by=actor,
        )
        attachment.file.name = saved
        attachment.save()
        activity_record(
            verb="plan.attachment_added",
            summary=f"Added the document “{attachment.title}”",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=attachment,
        )
        return attachment

    path = uploads.stored_name(f"plans/{area.pk}", checked.kind.extension)
    return uploads.store_then(field.storage, path, uploaded_file, write)


def attachment_remove(*, attachment: PlanAttachment, actor) -> None:
    plan = (
        OperationalPlan.objects.filter(area_id=attachment.area_id).first()
        if attachment.document == "plan"
        else None
    )
    require(plan_perms.can_edit_documents(actor, attachment.area, plan))
    with transaction.atomic():
        activity_record(
            verb="plan.attachment_removed",
            summary=f"Removed the document “{attachment.title}”",
            actor=actor,
            area=attachment.area,
            visibility=Visibility.AREA,
        )
        storage, path = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
