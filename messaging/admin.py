from django.contrib import admin

from core.admin_audit import GuardedModelAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(GuardedModelAdmin):
    """View only (core/admin_audit.py): the conversation stays as it was sent."""

    list_display = ("area", "kind", "author", "from_lead", "created_at")
    list_filter = ("kind", "from_lead")
    search_fields = ("area__reference", "body")
    raw_id_fields = ("area", "author")
    readonly_fields = ("created_at",)
