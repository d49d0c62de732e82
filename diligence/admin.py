from django.contrib import admin

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline

from .models import DueDiligence, DuplicateFlag, GovernanceDocument, RegisterCheck


class RegisterCheckInline(GuardedTabularInline):
    model = RegisterCheck
    extra = 0


class GovernanceDocumentInline(GuardedTabularInline):
    model = GovernanceDocument
    extra = 0
    fields = ["kind", "title", "filename", "review_on", "uploaded_by", "uploaded_at"]
    # The time of upload is set by the database (auto_now_add), so no form may hold it: named
    # only in `fields`, the inline's form could not be built and the change page answered 500.
    readonly_fields = fields


@admin.register(DueDiligence)
class DueDiligenceAdmin(GuardedModelAdmin):
    """Read only: checklists move through diligence.services (the pages), never the admin."""

    list_display = ["organisation", "status", "fraud_risk", "risk_decision", "expires_on"]
    list_filter = ["status", "fraud_risk", "risk_decision"]
    search_fields = ["organisation__name"]
    inlines = [RegisterCheckInline, GovernanceDocumentInline]


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(GuardedModelAdmin):
    list_display = ["organisation", "matches", "rule", "flagged_at", "resolved_at"]
    list_filter = ["rule"]
    search_fields = ["organisation__name", "matches__name"]


# --- possible duplicates on the Organisation admin ------------------------------------------
# programmes owns the Organisation admin and knows nothing of diligence: diligence extends it
# here (admin modules load in INSTALLED_APPS order, programmes first) with a filter and a column.


def _flagged():
    from django.db.models import Exists, OuterRef, Q

    return Exists(
        DuplicateFlag.objects.filter(
            Q(organisation_id=OuterRef("pk")) | Q(matches_id=OuterRef("pk")),
            resolved_at__isnull=True,
        )
    )


class PossibleDuplicateFilter(admin.SimpleListFilter):
    title = "possible duplicates"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Possible duplicate"), ("no", "No match")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_flagged())
        if self.value() == "no":
            return queryset.exclude(_flagged())
        return queryset


def _extend_organisation_admin():
    from programmes.admin import OrganisationAdmin
    from programmes.models import Organisation

    class OrganisationWithDuplicatesAdmin(OrganisationAdmin):
        list_display = (*OrganisationAdmin.list_display, "possible_duplicate")
        list_filter = (*OrganisationAdmin.list_filter, PossibleDuplicateFilter)

        def get_queryset(self, request):
            return super().get_queryset(request).annotate(flagged=_flagged())

        @admin.display(boolean=True, description="Possible duplicate", ordering="flagged")
        def possible_duplicate(self, obj):
            return obj.flagged

    if admin.site.is_registered(Organisation):
        admin.site.unregister(Organisation)
    admin.site.register(Organisation, OrganisationWithDuplicatesAdmin)


_extend_organisation_admin()
