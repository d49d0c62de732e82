from django.contrib import admin

from .models import ActivityChain, ActivityEntry, Notification


class AuditRecordAdmin(admin.ModelAdmin):
    """The admin of an audit record (activity entries, sign-offs, decisions, scores): view only,
    for everyone, superusers included. No add, no change, no delete and so no bulk delete
    action; a wrong record is corrected by a new one, never edited. Other apps' admins use it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditRecordInline(admin.TabularInline):
    """An audit record shown on its parent's page: read-only, none added or removed."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityEntry)
class ActivityEntryAdmin(AuditRecordAdmin):
    list_display = ("occurred_at", "verb", "summary", "area", "actor", "visibility", "imported")
    list_filter = ("visibility", "imported", "verb")
    search_fields = ("summary", "reason", "area__reference", "area__name")
    list_select_related = ("area", "actor")
    # A filtered page would count the whole (large, ever-growing) table a second time.
    show_full_result_count = False
    date_hierarchy = "occurred_at"
    readonly_fields = ("chain_position", "previous_hash", "content_hash")


@admin.register(ActivityChain)
class ActivityChainAdmin(AuditRecordAdmin):
    list_display = ("key", "area", "length", "head_hash")
    list_select_related = ("area",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "entry", "kind", "read_at", "resolved_at", "emailed_at")
    raw_id_fields = ("recipient", "entry")
    list_select_related = ("recipient", "entry")
