"""The plan editor's unsaved drafts, a model beside the operational plan (see ``PlanSectionDraft``).
Imported at the foot of ``plans.models``, so ``from plans.models import PlanSectionDraft`` works
and Django registers it with the app."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import PLAN_SECTIONS, SECTION_LABELS

User = settings.AUTH_USER_MODEL


class PlanSectionDraft(models.Model):
    """What the lead organisation has typed in one section of the plan editor and not yet saved:
    the editor sends it a moment after typing stops, so a closed tab or a crash loses nothing.
    It is a scratch copy beside the plan, never the plan: the plan's text, its status and its
    frozen versions change only through ``plan_save`` and the workflow, and saving the plan
    clears the drafts. One per area and section (an area has one plan); kept by area so typing
    in an editor never creates a plan that was not saved."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="plan_section_drafts"
    )
    section = models.CharField(max_length=40, choices=PLAN_SECTIONS)
    text = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["area", "section"]
        constraints = [
            models.UniqueConstraint(fields=["area", "section"], name="plan_draft_once_per_section"),
            models.CheckConstraint(
                condition=Q(section__in=[key for key, _label in PLAN_SECTIONS]),
                name="plan_draft_section_valid",
            ),
        ]

    def __str__(self):
        return f"Unsaved {SECTION_LABELS[self.section].lower()} for {self.area_id}"
