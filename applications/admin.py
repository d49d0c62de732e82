from django.contrib import admin

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


class PartnerInline(admin.TabularInline):
    model = ApplicationPartner
    extra = 0


class ThemeInline(admin.TabularInline):
    model = ApplicationTheme
    extra = 0
    max_num = 3


class ScoreInline(admin.TabularInline):
    model = AssessmentScore
    extra = 0


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # Read-mostly: statuses change only through the services (the fields are not editable).
    list_display = ["area_name", "organisation", "round", "status", "submitted_at"]
    list_filter = ["round", "status"]
    search_fields = ["area_name", "organisation__name"]
    inlines = [ThemeInline, PartnerInline, ScoreInline]


@admin.register(AssessmentCriterion)
class AssessmentCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "weight", "order"]
    list_filter = ["round"]


@admin.register(RoundAssessmentSettings)
class RoundAssessmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["round", "score_min", "score_max"]


@admin.register(GateApplication)
class GateApplicationAdmin(admin.ModelAdmin):
    list_display = ["area", "target_stage", "status", "amount_requested", "amount_approved"]
    list_filter = ["target_stage", "status"]
    readonly_fields = ["cba_required", "decision_reasons"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ["area", "milestone", "new_due_on", "granted_by"]
    readonly_fields = ["area", "milestone", "new_due_on", "granted_by", "reason"]
