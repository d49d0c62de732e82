from django.contrib import admin

from .models import DueDiligence, DuplicateFlag, GovernanceDocument, RegisterCheck


class RegisterCheckInline(admin.TabularInline):
    model = RegisterCheck
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in RegisterCheck._meta.fields]


class GovernanceDocumentInline(admin.TabularInline):
    model = GovernanceDocument
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "title", "filename", "review_on", "uploaded_by", "uploaded_at"]
    fields = readonly_fields


@admin.register(DueDiligence)
class DueDiligenceAdmin(admin.ModelAdmin):
    """Read only: checklists move through diligence.services (the pages), never the admin."""

    list_display = ["organisation", "status", "fraud_risk", "risk_decision", "expires_on"]
    list_filter = ["status", "fraud_risk", "risk_decision"]
    search_fields = ["organisation__name"]
    inlines = [RegisterCheckInline, GovernanceDocumentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(admin.ModelAdmin):
    list_display = ["organisation", "matches", "rule", "flagged_at", "resolved_at"]
    list_filter = ["rule"]
    search_fields = ["organisation__name", "matches__name"]
    raw_id_fields = ["organisation", "matches"]
