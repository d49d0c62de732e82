"""Supporting documents for the strategy and the plan: stored privately, checked by content as
well as by name."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from programmes.models import Area

from .. import permissions as plan_perms
from ..models import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    OperationalPlan,
    PlanAttachment,
)


def attachment_add(
    *, area: Area, user, uploaded_file, title: str = "", document: str = "plan"
) -> PlanAttachment:
    """Store a supporting document privately. PDF, DOCX, XLSX or ODT only, 10 MB at most; the
    content is checked as well as the name, so a renamed file is refused."""
    plan = OperationalPlan.objects.filter(area=area).first() if document == "plan" else None
    require(plan_perms.can_edit_documents(user, area, plan))
    name = PurePath(uploaded_file.name).name
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError({"file": "Upload a PDF, Word (DOCX), Excel (XLSX) or ODT document."})
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"file": f"The file is {uploaded_file.size / 1048576:.1f} MB; the limit is 10 MB."}
        )
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    expected = b"%PDF" if suffix == ".pdf" else b"PK\x03\x04"
    if head != expected:
        raise ValidationError({"file": f"This file's content is not a real {suffix[1:].upper()}."})
    with transaction.atomic():
        attachment = PlanAttachment(
            area=area,
            document=document,
            title=title or name,
            filename=name,
            size=uploaded_file.size,
            uploaded_by=user,
        )
        attachment.file.save(name, uploaded_file, save=False)
        attachment.save()
        activity_record(
            verb="plan.attachment_added",
            summary=f"Added the document “{attachment.title}”",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=attachment,
        )
    return attachment


def attachment_remove(*, attachment: PlanAttachment, user) -> None:
    plan = (
        OperationalPlan.objects.filter(area_id=attachment.area_id).first()
        if attachment.document == "plan"
        else None
    )
    require(plan_perms.can_edit_documents(user, attachment.area, plan))
    with transaction.atomic():
        activity_record(
            verb="plan.attachment_removed",
            summary=f"Removed the document “{attachment.title}”",
            actor=user,
            area=attachment.area,
            visibility=Visibility.AREA,
        )
        storage, path = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))
