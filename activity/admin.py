from django.contrib import admin

from .models import ActivityEntry, Notification


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "verb", "summary", "area", "actor", "visibility", "imported")
    list_filter = ("visibility", "imported", "verb")
    search_fields = ("summary", "reason", "area__reference", "area__name")
    raw_id_fields = ("area", "actor")
    date_hierarchy = "occurred_at"

    def has_change_permission(self, request, obj=None):
        # The audit trail is append-only.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "entry", "read_at", "emailed_at")
    raw_id_fields = ("recipient", "entry")
    list_select_related = ("recipient", "entry")
