"""Read-mostly admin for the support records. Changes go through the pages (and so the services),
which check entitlements and write the audit trail; the admin is for looking things up. The
advisers list is edited here, audited (core/admin_audit.py)."""

from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline

from .models import (
    Adviser,
    AdviserDay,
    AdviserEntitlement,
    Event,
    EventInvitation,
    FollowUp,
    SupportContact,
)


@admin.register(AdviserEntitlement)
class AdviserEntitlementAdmin(GuardedModelAdmin):
    list_display = ["area", "days", "reason", "granted_by", "granted_at", "imported"]
    list_select_related = ["area", "granted_by"]
    search_fields = ["area__reference", "area__name", "reason"]


@admin.register(AdviserDay)
class AdviserDayAdmin(GuardedModelAdmin):
    list_display = ["area", "adviser", "date", "days", "status", "booked_by"]
    list_filter = ["status"]
    list_select_related = ["area", "adviser", "booked_by"]
    search_fields = ["area__reference", "adviser__name"]
    date_hierarchy = "date"


@admin.register(Adviser)
class AdviserAdmin(GuardedModelAdmin):
    """The list of advisers is reference data programme managers and admins keep (also on the
    Advisers page); an adviser with bookings is taken off the list, not deleted."""

    list_display = ["name", "organisation", "email", "active"]
    list_filter = ["active"]
    list_editable = ["active"]
    search_fields = ["name", "organisation"]


class FollowUpInline(GuardedTabularInline):
    model = FollowUp
    fields = ["action", "due_on", "owner", "done_at", "done_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(SupportContact)
class SupportContactAdmin(GuardedModelAdmin):
    list_display = ["area", "date", "kind", "logged_by", "risk_level", "risk_resolved_at"]
    list_filter = ["kind", "risk_level"]
    list_select_related = ["area", "logged_by"]
    search_fields = ["area__reference", "area__name", "notes"]
    date_hierarchy = "date"
    inlines = [FollowUpInline]


class EventInvitationInline(GuardedTabularInline):
    model = EventInvitation
    fields = ["area", "invited_at", "attended", "attendee_names"]
    readonly_fields = fields
    can_delete = False


@admin.register(Event)
class EventAdmin(GuardedModelAdmin):
    list_display = ["title", "kind", "round", "starts_at"]
    list_filter = ["kind", "round"]
    search_fields = ["title"]
    inlines = [EventInvitationInline]
