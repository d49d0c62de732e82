"""Money rules (the programme's second-approval threshold, stage grant ranges), rounds and
reference data are edited here and every write is on the audit trail; areas are only corrected
here (their stage and status move by decisions). Each model's rule is in core/admin_audit.py."""

from django.contrib import admin
from django.db import models

from core.admin_audit import GuardedModelAdmin, GuardedTabularInline

from .models import (
    Area,
    AreaTheme,
    Milestone,
    Organisation,
    Partner,
    Programme,
    Round,
    StageDefinition,
    Theme,
)


@admin.register(Programme)
class ProgrammeAdmin(GuardedModelAdmin):
    list_display = ("name", "funder_name", "manager_name")
    prepopulated_fields = {"slug": ("name",)}


class StageDefinitionInline(GuardedTabularInline):
    model = StageDefinition


class MilestoneInline(GuardedTabularInline):
    model = Milestone


@admin.register(Round)
class RoundAdmin(GuardedModelAdmin):
    list_display = ("name", "programme", "status", "opens_on", "closes_on", "starts_on", "ends_on")
    list_filter = ("status", "programme")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [StageDefinitionInline, MilestoneInline]


@admin.register(StageDefinition)
class StageDefinitionAdmin(GuardedModelAdmin):
    list_display = ("round", "stage", "grant_min", "grant_max", "advance_share_pct", "adviser_days")
    list_filter = ("round", "stage")


@admin.register(Milestone)
class MilestoneAdmin(GuardedModelAdmin):
    list_display = ("name", "round", "kind", "stage", "due_on")
    list_filter = ("round", "kind")


@admin.register(Theme)
class ThemeAdmin(GuardedModelAdmin):
    list_display = ("name", "order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ("name", "org_type", "org_identifier", "town")
    # A website typed without a scheme is taken as https, as on the organisation form (and as
    # Django 6 will by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("org_type",)
    search_fields = ("name", "org_identifier", "charity_number", "company_number")


class AreaThemeInline(GuardedTabularInline):
    model = AreaTheme
    max_num = 3


class PartnerInline(GuardedTabularInline):
    model = Partner
    autocomplete_fields = ("organisation",)


@admin.register(Area)
class AreaAdmin(GuardedModelAdmin):
    list_display = ("reference", "name", "lead_organisation", "round", "stage", "status")
    list_filter = ("round", "stage", "status", "lead_organisation__org_type")
    search_fields = ("reference", "name", "local_authority", "lead_organisation__name")
    # Stage and status come from decisions (applications services), never from this form
    # (core/admin_audit.py locks them).
    autocomplete_fields = ("lead_organisation",)
    list_select_related = ("lead_organisation", "round")
    inlines = [AreaThemeInline, PartnerInline]


@admin.register(Partner)
class PartnerAdmin(GuardedModelAdmin):
    list_display = ("organisation", "area", "partner_type", "involvement", "agreement_signed_on")
    list_filter = ("partner_type", "involvement")
    autocomplete_fields = ("organisation", "area")
    list_select_related = ("organisation", "area")
