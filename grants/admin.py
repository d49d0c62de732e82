"""Read-mostly admin: awards and payments are created and moved only by the services, so status
and money fields are read-only here and the state changes are admin actions calling the services.
Each model's rule is in core/admin_audit.py.

Awards are decisions: view only (the cancel action goes through the service). A payment's row
changes status as it moves, so it is not itself append-only: the record of each move is its
payment.* activity entry. Here only its due date can be edited (and the edit is an admin.changed
entry); amount, status, approver and payer are read-only for everyone, superusers included, and
no payment can be added or deleted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline
from core.errors import message_for

from . import services
from .models import Award, Payment


def _run(modeladmin, request, queryset, action, done: str):
    ok = 0
    for obj in queryset:
        try:
            action(obj)
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{obj}: {message_for(exc)}", messages.ERROR)
        else:
            ok += 1
    if ok:
        modeladmin.message_user(request, f"{ok} {done}.", messages.SUCCESS)


class PaymentInline(GuardedTabularInline):
    model = Payment
    fields = ("kind", "amount", "status", "release_condition", "due_on", "paid_on", "reference")
    readonly_fields = fields
    show_change_link = True


@admin.register(Award)
class AwardAdmin(GuardedModelAdmin):
    list_display = ("area", "stage", "amount", "total_scheduled", "status", "awarded_on")
    list_filter = ("status", "stage", "area__round")
    search_fields = ("area__reference", "area__name")
    list_select_related = ("area",)
    readonly_fields = (
        "area",
        "stage",
        "amount",
        "status",
        "total_scheduled",
        "awarded_on",
        "awarded_by",
        "imported",
        "cancelled_reason",
        "created_at",
        "updated_at",
    )
    fields = (*readonly_fields[:8], "reason", *readonly_fields[8:])
    inlines = [PaymentInline]
    # Awards come from decisions (admission, stage gates) through grants.services.award_grant.
    actions = ["cancel_awards"]

    @admin.action(description="Cancel the selected awards and their unpaid payments")
    def cancel_awards(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda a: services.award_cancel(
                award=a, actor=request.user, reason="Cancelled in the admin site."
            ),
            "award(s) cancelled",
        )


@admin.register(Payment)
class PaymentAdmin(GuardedModelAdmin):
    list_display = ("award", "kind", "amount", "status", "due_on", "paid_on", "reference")
    list_filter = ("status", "kind", "award__area__round")
    search_fields = ("award__area__reference", "reference")
    list_select_related = ("award", "award__area")
    readonly_fields = (
        "award",
        "kind",
        "amount",
        "status",
        "release_condition",
        "released_at",
        "scheduled_by",
        "approved_by",
        "approved_at",
        "second_approved_by",
        "second_approved_at",
        "paid_by",
        "paid_at",
        "paid_on",
        "reference",
        "cancelled_reason",
        "created_at",
        "updated_at",
    )
    fields = ("due_on", *readonly_fields)
    actions = ["approve_payments", "pay_payments", "cancel_payments"]

    @admin.action(description="Approve the selected payments")
    def approve_payments(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.payment_approve(payment=p, actor=request.user),
            "payment(s) approved",
        )

    @admin.action(description="Mark the selected payments as paid today")
    def pay_payments(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.payment_pay(payment=p, actor=request.user),
            "payment(s) marked as paid",
        )

    @admin.action(description="Cancel the selected payments")
    def cancel_payments(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.payment_cancel(
                payment=p, actor=request.user, reason="Cancelled in the admin site."
            ),
            "payment(s) cancelled",
        )
