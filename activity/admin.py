"""The audit trail in the admin: view only, for everyone, superusers included
(core/admin_audit.py). A wrong entry is corrected by a new one (activity_correct), never edited."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin

from .models import ActivityChain, ActivityEntry, Notification


@admin.register(ActivityEntry)
class ActivityEntryAdmin(GuardedModelAdmin):
    list_display = ("occurred_at", "verb", "summary", "area", "actor", "visibility", "imported")
    list_filter = ("visibility", "imported", "verb")
    search_fields = ("summary", "reason", "area__reference", "area__name")
    list_select_related = ("area", "actor")
    # A filtered page would count the whole (large, ever-growing) table a second time.
    show_full_result_count = False
    date_hierarchy = "occurred_at"
    readonly_fields = ("chain_position", "previous_hash", "content_hash")


@admin.register(ActivityChain)
class ActivityChainAdmin(GuardedModelAdmin):
    list_display = ("key", "area", "length", "head_hash")
    list_select_related = ("area",)


@admin.register(Notification)
class NotificationAdmin(GuardedModelAdmin):
    list_display = ("recipient", "entry", "kind", "read_at", "resolved_at", "emailed_at")
    raw_id_fields = ("recipient", "entry")
    list_select_related = ("recipient", "entry")
