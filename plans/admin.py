"""View only: plans, strategies, logic models, CBAs and peer reviews are case records, written
through the services; sign-offs and frozen plan versions are audit records
(core/admin_audit.py)."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedStackedInline, GuardedTabularInline

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


class BudgetArrangementInline(GuardedTabularInline):
    model = BudgetArrangement


class ResourcingLineInline(GuardedTabularInline):
    model = ResourcingLine


class SectionCommentInline(GuardedTabularInline):
    model = SectionComment
    readonly_fields = ["version", "section", "comment", "author"]


class LogicModelRowInline(GuardedTabularInline):
    model = LogicModelRow


class CostLineInline(GuardedTabularInline):
    model = CostLine


class BenefitLineInline(GuardedTabularInline):
    model = BenefitLine


class PeerReviewInline(GuardedStackedInline):
    model = PeerReview


@admin.register(OperationalPlan)
class OperationalPlanAdmin(GuardedModelAdmin):
    list_display = ["area", "status", "version_number", "final_submitted_at"]
    list_filter = ["status", "area__round"]
    search_fields = ["area__reference", "area__name"]
    readonly_fields = ["status", "version_number", "final_submitted_at", "retention_released_at"]
    inlines = [BudgetArrangementInline, ResourcingLineInline, SectionCommentInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(GuardedModelAdmin):
    list_display = ["plan", "number", "kind", "submitted_at"]
    readonly_fields = ["plan", "number", "kind", "content", "submitted_by", "submitted_at"]


@admin.register(DevelopmentStrategy)
class DevelopmentStrategyAdmin(GuardedModelAdmin):
    list_display = ["area", "updated_by", "updated_at"]


@admin.register(LogicModel)
class LogicModelAdmin(GuardedModelAdmin):
    inlines = [LogicModelRowInline]


@admin.register(CostBenefitAnalysis)
class CostBenefitAnalysisAdmin(GuardedModelAdmin):
    inlines = [CostLineInline, BenefitLineInline]


@admin.register(PeerReviewAssignment)
class PeerReviewAssignmentAdmin(GuardedModelAdmin):
    list_display = ["plan", "reviewer_organisation", "due_on"]
    inlines = [PeerReviewInline]


@admin.register(PlanAttachment)
class PlanAttachmentAdmin(GuardedModelAdmin):
    list_display = ["area", "document", "title", "uploaded_by", "uploaded_at"]


@admin.register(SignOff)
class SignOffAdmin(GuardedModelAdmin):
    list_display = ["plan", "party", "user", "signed_at"]
    list_filter = ["party"]
    list_select_related = ["plan__area", "user"]
    search_fields = ["plan__area__reference", "plan__area__name"]


@admin.register(ReminderSent)
class ReminderSentAdmin(GuardedModelAdmin):
    list_display = ["area", "milestone", "days_before", "sent_at"]
