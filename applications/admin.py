"""Applications, gate applications, their decisions, assessment scores and deadline extensions
are audit records: view only here, for everyone. They change only through the services, which
check the workflow and write the activity trail. Scoring rules (criteria, the scale) are edited
here and audited. Each model's rule is in core/admin_audit.py."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline

from .models import (
    Application,
    ApplicationPartner,
    ApplicationTheme,
    AssessmentCriterion,
    AssessmentScore,
    DeadlineExtension,
    GateApplication,
    RoundAssessmentSettings,
)


class PartnerInline(GuardedTabularInline):
    model = ApplicationPartner


class ThemeInline(GuardedTabularInline):
    model = ApplicationTheme


class ScoreInline(GuardedTabularInline):
    model = AssessmentScore


@admin.register(Application)
class ApplicationAdmin(GuardedModelAdmin):
    list_display = ["area_name", "organisation", "round", "status", "submitted_at"]
    list_filter = ["round", "status"]
    search_fields = ["area_name", "organisation__name"]
    inlines = [ThemeInline, PartnerInline, ScoreInline]


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(GuardedModelAdmin):
    list_display = ["name", "round", "weight", "order"]
    list_filter = ["round"]


@admin.register(RoundAssessmentSettings)
class RoundAssessmentSettingsAdmin(GuardedModelAdmin):
    list_display = ["round", "score_min", "score_max", "moderation_gap_percent"]


@admin.register(AssessmentScore)
class AssessmentScoreAdmin(GuardedModelAdmin):
    list_display = ["application", "criterion", "assessor", "score", "scored_at"]
    list_select_related = ["application__organisation", "criterion", "assessor"]
    list_filter = ["criterion__round"]


@admin.register(GateApplication)
class GateApplicationAdmin(GuardedModelAdmin):
    list_display = ["area", "target_stage", "status", "amount_requested", "amount_approved"]
    list_filter = ["target_stage", "status"]
    readonly_fields = ["cba_required", "decision_reasons"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(GuardedModelAdmin):
    list_display = ["area", "milestone", "new_due_on", "granted_by"]
    readonly_fields = ["area", "milestone", "new_due_on", "granted_by", "reason"]
