import django_filters
from django import forms

from .models import AreaWarning
from .selectors import looked_after_by


class WarningFilter(django_filters.FilterSet):
    """The round's list narrowed to one relationship manager's areas, or to flagged ones. The
    view passes the relationship managers to choose from (none for a relationship manager, who
    sees only their own areas anyway)."""

    rm = django_filters.ChoiceFilter(
        label="Relationship manager", choices=[], method="by_manager", empty_label="All"
    )
    flagged = django_filters.BooleanFilter(
        label="Flagged only", widget=forms.CheckboxInput, method="only_flagged"
    )

    class Meta:
        model = AreaWarning
        fields = []

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.managers = {str(m.pk): m for m in managers}
        if self.managers:
            self.filters["rm"].extra["choices"] = [(pk, str(m)) for pk, m in self.managers.items()]
        else:
            del self.filters["rm"]

    def by_manager(self, queryset, name, value):
        manager = self.managers.get(value)
        return looked_after_by(queryset, manager) if manager else queryset

    def only_flagged(self, queryset, name, value):
        # Unticked means every area, not the unflagged ones.
        return queryset.filter(flagged=True) if value else queryset
