import django_filters
from django.db.models import Q

from programmes.models import OrganisationType, Round, Theme

from .models import Application, ApplicationStatus, GateApplication, GateStage, GateStatus


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="Neighbourhood, organisation or district"
    )
    round = django_filters.ModelChoiceFilter(
        queryset=Round.objects.all(), to_field_name="slug", empty_label="All rounds"
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", "Waiting for a decision")]
        + [c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.DRAFT],
        empty_label="Any status",
        method="by_status",
    )
    org_type = django_filters.ChoiceFilter(
        label="Organisation type",
        field_name="organisation__org_type",
        choices=OrganisationType.choices,
        empty_label="All types",
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="by_theme",
        empty_label="All themes",
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("submitted_at", "submitted"),
            ("area_name", "area"),
            ("organisation__name", "organisation"),
            ("average_score", "score"),
        )
    )

    class Meta:
        model = Application
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(area_name__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(local_authority__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(
                status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT]
            )
        return queryset.filter(status=value) if value else queryset

    def by_theme(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery, not a join, so the score annotations are not multiplied.
        return queryset.filter(
            pk__in=Application.themes.through.objects.filter(theme=value).values("application")
        )


class GateFilter(django_filters.FilterSet):
    # Like the assessment queue, the gate queue opens on the work still to do ("open"), and
    # "Any status" shows everything.
    status = django_filters.ChoiceFilter(
        choices=[("open", "Waiting for a decision")]
        + [c for c in GateStatus.choices if c[0] != GateStatus.DRAFT],
        empty_label="Any status",
        method="by_status",
    )
    target_stage = django_filters.ChoiceFilter(
        label="Stage", choices=GateStage.choices, empty_label="All stages"
    )
    round = django_filters.ModelChoiceFilter(
        field_name="area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
    )

    class Meta:
        model = GateApplication
        fields = []

    def by_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status=GateStatus.SUBMITTED)
        return queryset.filter(status=value) if value else queryset
