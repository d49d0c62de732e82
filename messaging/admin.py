from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("area", "kind", "author", "from_lead", "created_at")
    list_filter = ("kind", "from_lead")
    search_fields = ("area__reference", "body")
    raw_id_fields = ("area", "author")
    readonly_fields = ("created_at",)
