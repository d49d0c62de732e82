"""Read-mostly admin: statuses are changed only through the services, so they are read-only here.
Sign-offs and frozen plan versions are audit records: view only, for everyone."""

from django.contrib import admin

from activity.admin import AuditRecordAdmin

from .models import (
    BenefitLine,
    BudgetArrangement,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
    PeerReview,
    PeerReviewAssignment,
    PlanAttachment,
    PlanVersion,
    ReminderSent,
    ResourcingLine,
    SectionComment,
    SignOff,
)


class BudgetArrangementInline(admin.TabularInline):
    model = BudgetArrangement
    extra = 0


class ResourcingLineInline(admin.TabularInline):
    model = ResourcingLine
    extra = 0


class SectionCommentInline(admin.TabularInline):
    model = SectionComment
    extra = 0
    readonly_fields = ["version", "section", "comment", "author"]


class LogicModelRowInline(admin.TabularInline):
    model = LogicModelRow
    extra = 0


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


class BenefitLineInline(admin.TabularInline):
    model = BenefitLine
    extra = 0


class PeerReviewInline(admin.StackedInline):
    model = PeerReview
    extra = 0


@admin.register(OperationalPlan)
class OperationalPlanAdmin(admin.ModelAdmin):
    list_display = ["area", "status", "version_number", "final_submitted_at"]
    list_filter = ["status", "area__round"]
    search_fields = ["area__reference", "area__name"]
    readonly_fields = ["status", "version_number", "final_submitted_at", "retention_released_at"]
    inlines = [BudgetArrangementInline, ResourcingLineInline, SectionCommentInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(AuditRecordAdmin):
    list_display = ["plan", "number", "kind", "submitted_at"]
    readonly_fields = ["plan", "number", "kind", "content", "submitted_by", "submitted_at"]


admin.site.register(DevelopmentStrategy)


@admin.register(LogicModel)
class LogicModelAdmin(admin.ModelAdmin):
    inlines = [LogicModelRowInline]


@admin.register(CostBenefitAnalysis)
class CostBenefitAnalysisAdmin(admin.ModelAdmin):
    inlines = [CostLineInline, BenefitLineInline]


@admin.register(PeerReviewAssignment)
class PeerReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["plan", "reviewer_organisation", "due_on"]
    inlines = [PeerReviewInline]


admin.site.register(PlanAttachment)


@admin.register(SignOff)
class SignOffAdmin(AuditRecordAdmin):
    list_display = ["plan", "party", "user", "signed_at"]
    list_filter = ["party"]
    list_select_related = ["plan__area", "user"]
    search_fields = ["plan__area__reference", "plan__area__name"]


admin.site.register(ReminderSent)
