"""Read-mostly admin: status fields are not editable here, the services write them."""

from django.contrib import admin

from .models import (
    CbaOutturnLine,
    FundingRecord,
    MakingItHappenApplication,
    MatchFundingCommitment,
    ProgressReturn,
    ReturnFactor,
)


class ReturnFactorInline(admin.TabularInline):
    model = ReturnFactor
    extra = 0


@admin.register(ProgressReturn)
class ProgressReturnAdmin(admin.ModelAdmin):
    list_display = ["area", "period_start", "period_end", "due_on", "status", "progress_status"]
    list_filter = ["status", "progress_status", "area__round"]
    search_fields = ["area__reference", "area__name"]
    readonly_fields = ["status", "submitted_by", "submitted_at"]
    inlines = [ReturnFactorInline]

    def has_delete_permission(self, request, obj=None):
        # A submitted return is part of the record; returns are never deleted.
        return False


@admin.register(FundingRecord)
class FundingRecordAdmin(admin.ModelAdmin):
    list_display = ["area", "source", "year", "arrangement", "amount", "funder_name"]
    list_filter = ["source", "arrangement"]
    search_fields = ["area__reference", "funder_name"]


@admin.register(CbaOutturnLine)
class CbaOutturnLineAdmin(admin.ModelAdmin):
    list_display = ["area", "kind", "year", "description", "actual_amount"]
    list_filter = ["kind"]


class CommitmentInline(admin.TabularInline):
    model = MatchFundingCommitment
    extra = 0
    readonly_fields = ["status", "confirmed_at", "received_on", "received_amount"]


@admin.register(MakingItHappenApplication)
class MakingItHappenApplicationAdmin(admin.ModelAdmin):
    list_display = ["area", "gate", "updated_at"]
    inlines = [CommitmentInline]
