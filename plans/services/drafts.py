"""The plan editor's drafts: each section's text as it is typed, kept on the server a moment after
typing stops, so a closed tab, a lost connection or a crash loses nothing. A draft is a scratch
copy beside the plan (``plans.models.PlanSectionDraft``): the plan's text, status and versions
change only through ``plan_save`` and the workflow, which clears the drafts.

No activity entry is written for a draft: the editor sends one every pause in typing, and the
audit trail records what was saved (``plan.saved``), not every keystroke on the way."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import require
from programmes.models import Area

from .. import bounds
from .. import permissions as plan_perms
from ..models import PLAN_SECTIONS, OperationalPlan, PlanSectionDraft
from .common import lock_plan

SECTIONS = dict(PLAN_SECTIONS)


def _editable_plan(area: Area, actor) -> OperationalPlan | None:
    """The area's plan, locked so a submission cannot slip between the check and the write, after
    checking the actor may edit it now (the plan editor's own rule)."""
    plan = OperationalPlan.objects.filter(area=area).first()
    if plan is not None:
        plan = lock_plan(plan)
    require(plan_perms.can_edit_documents(actor, area, plan))
    return plan


def plan_draft_save(*, area: Area, actor, section: str, text: str) -> PlanSectionDraft | None:
    """Keep what the actor has typed in one section of the plan editor, replacing that section's
    earlier draft. Only the area's lead organisation, and only while the plan is open to changes
    (as ``plan_save``); the text is bounded as a saved section is. Text that is the same as the
    plan's removes the draft (nothing is unsaved) and returns None."""
    text = text or ""
    with transaction.atomic():
        # Who may write comes first: someone refused learns nothing from checks of the text.
        plan = _editable_plan(area, actor)
        if section not in SECTIONS:
            raise ValidationError(
                {
                    "section": ValidationError(
                        "Choose a section of the plan.", code="unknown_section"
                    )
                }
            )
        if message := bounds.too_long(text, bounds.MAX_SECTION_CHARS):
            raise ValidationError({section: ValidationError(message, code="too_long")})
        if text == (getattr(plan, section) if plan is not None else ""):
            PlanSectionDraft.objects.filter(area=area, section=section).delete()
            return None
        draft, _created = PlanSectionDraft.objects.update_or_create(
            area=area,
            section=section,
            defaults={"text": text, "saved_by": actor, "saved_at": timezone.now()},
        )
    return draft


def plan_drafts_discard(*, area: Area, actor) -> int:
    """Throw away the unsaved drafts of the area's plan (the editor's "Discard"); the number
    removed."""
    with transaction.atomic():
        _editable_plan(area, actor)
        removed, _by_model = PlanSectionDraft.objects.filter(area=area).delete()
    return removed
