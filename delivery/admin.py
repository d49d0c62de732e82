"""View only: progress returns, funding, outturn and match funding are case records, written by
lead organisations and staff through the services (core/admin_audit.py)."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline

from .models import (
    CbaOutturnLine,
    FundingRecord,
    MakingItHappenApplication,
    MatchFundingCommitment,
    ProgressReturn,
    ReturnFactor,
)


class ReturnFactorInline(GuardedTabularInline):
    model = ReturnFactor


@admin.register(ProgressReturn)
class ProgressReturnAdmin(GuardedModelAdmin):
    list_display = ["area", "period_start", "period_end", "due_on", "status", "progress_status"]
    list_filter = ["status", "progress_status", "area__round"]
    search_fields = ["area__reference", "area__name"]
    inlines = [ReturnFactorInline]


@admin.register(FundingRecord)
class FundingRecordAdmin(GuardedModelAdmin):
    list_display = ["area", "source", "year", "arrangement", "amount", "funder_name"]
    list_filter = ["source", "arrangement"]
    search_fields = ["area__reference", "funder_name"]


@admin.register(CbaOutturnLine)
class CbaOutturnLineAdmin(GuardedModelAdmin):
    list_display = ["area", "kind", "year", "description", "actual_amount"]
    list_filter = ["kind"]


class CommitmentInline(GuardedTabularInline):
    model = MatchFundingCommitment


@admin.register(MakingItHappenApplication)
class MakingItHappenApplicationAdmin(GuardedModelAdmin):
    list_display = ["area", "gate", "updated_at"]
    inlines = [CommitmentInline]
