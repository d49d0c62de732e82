from django.contrib import admin

from core.admin_audit import GuardedModelAdmin

from .models import ImportJob, ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(GuardedModelAdmin):
    """View only (core/admin_audit.py): jobs are made through the reports page so they get
    the same checks and a worker task."""

    list_display = ["id", "kind", "area", "round", "audience", "status", "progress", "created_at"]
    list_filter = ["kind", "status", "scheduled", "audience"]
    list_select_related = ["area", "round"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]


@admin.register(ImportJob)
class ImportJobAdmin(GuardedModelAdmin):
    """View only: imports are uploaded on the imports page so they are checked and sent to a
    worker."""

    list_display = ["id", "original_name", "round_slug", "status", "requested_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
