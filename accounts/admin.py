"""People, access and sign-in in the admin. Every write to a user, a membership, an area
assignment or a group is on the audit trail (role, staff and superuser changes are security
events); second factors and sign-in lockouts can only be removed, and that is audited too. The
third-party admins (django-otp, django-axes, Django's groups) are registered again here with the
project's rule in front (core/admin_audit.py)."""

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as BaseAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as BaseAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as BaseStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_audit import (
    GuardedAdminMixin,
    GuardedModelAdmin,
    GuardedTabularInline,
    record_admin_write,
    snapshot,
)

from .models import AreaAssignment, OrganisationMembership, User
from .services import user_sessions_end


class MembershipInline(GuardedTabularInline):
    model = OrganisationMembership
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(GuardedAdminMixin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Programme", {"fields": ("role", "job_title", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Programme", {"fields": ("role", "first_name", "last_name", "email")}),
    )
    inlines = [MembershipInline]
    # Set by signing up and signing in, never by hand (the form would also cut their
    # microseconds on every save).
    readonly_fields = ("last_login", "date_joined")

    def user_change_password(self, request, id, form_url=""):
        # Django's password page saves the form itself, not through save_model: record it here
        # (the new hash is a secret: the entry says the password changed, never what to).
        if request.method != "POST":
            return super().user_change_password(request, id, form_url)
        with transaction.atomic():
            before = snapshot(User, id)
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and before:
                record_admin_write(
                    request=request,
                    model=User,
                    obj=user,
                    pk=user.pk,
                    action="changed",
                    before=before,
                )
        return response


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(GuardedModelAdmin):
    list_display = ("user", "organisation", "is_primary_contact")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")


@admin.register(AreaAssignment)
class AreaAssignmentAdmin(GuardedModelAdmin):
    list_display = ("area", "user", "started_on", "ended_on")
    list_filter = ("ended_on",)
    autocomplete_fields = ("area", "user")
    list_select_related = ("area", "user")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(GuardedAdminMixin, BaseGroupAdmin):
    pass


# Second factors: never added or edited here (an admin-made device would let its maker sign in
# as its owner), only removed when a phone is lost or the codes are spent. Their secrets are
# never shown (OTP_ADMIN_HIDE_SENSITIVE_DATA), and recovery codes are not listed at all.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


class DeviceRemovalEndsSessions:
    """Removing a second factor here ends its owner's sessions, as turning two-factor off on the
    owner's own page does (accounts.two_factor): a session from before must sign in again."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        user_sessions_end(user=obj.user)

    def delete_queryset(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            user_sessions_end(user=user)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(DeviceRemovalEndsSessions, GuardedAdminMixin, BaseTOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(DeviceRemovalEndsSessions, GuardedAdminMixin, BaseStaticDeviceAdmin):
    inlines = []


# Sign-in lockouts: deleting an attempts row unlocks the sign-in (audited); the logs are evidence.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(GuardedAdminMixin, BaseAccessAttemptAdmin):
    # Without axes' "clean up expired attempts" action: every deletion goes through the audited
    # delete (expired attempts are cleaned by axes itself at each sign-in).
    actions = []


@admin.register(AccessLog)
class AccessLogAdmin(GuardedAdminMixin, BaseAccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(GuardedAdminMixin, BaseAccessFailureLogAdmin):
    pass
