"""The audit trail in the admin: view only, for everyone, superusers included
(core/admin_audit.py). A wrong entry is corrected by a new one (activity_correct), never edited."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from core.admin_audit import GuardedModelAdmin

from .models import ActivityChain, ActivityEntry, Notification
from .services import notifications_email_again


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


class EmailStatusFilter(admin.SimpleListFilter):
    """Where each notification's email is: failed ones are what an admin comes here for."""

    title = "email"
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [
            ("failed", "Failed"),
            ("retrying", "Retrying"),
            ("emailed", "Emailed"),
            ("unsent", "Not emailed"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "failed":
                return queryset.filter(emailed_at__isnull=True, email_failed_at__isnull=False)
            case "retrying":
                return queryset.filter(
                    emailed_at__isnull=True, email_failed_at__isnull=True
                ).exclude(email_error="")
            case "emailed":
                return queryset.filter(emailed_at__isnull=False)
            case "unsent":
                return queryset.filter(emailed_at__isnull=True, email_failed_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(GuardedModelAdmin):
    list_display = (
        "recipient",
        "entry",
        "kind",
        "read_at",
        "resolved_at",
        "email",
        "email_failed_at",
    )
    list_filter = (EmailStatusFilter,)
    raw_id_fields = ("recipient", "entry")
    list_select_related = ("recipient", "entry")
    # How its email went is the worker's record, not for editing by hand: "Email again" resets it.
    readonly_fields = ("emailed_at", "email_attempts", "email_failed_at", "email_error")
    actions = ["email_again"]

    @admin.display(description="Email")
    def email(self, obj):
        return obj.email_status

    @admin.action(description="Email the selected failed notifications again")
    def email_again(self, request, queryset):
        try:
            count = notifications_email_again(notifications=list(queryset), actor=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            f"{count} notification{'s' if count != 1 else ''} will be emailed again.",
            messages.SUCCESS,
        )
