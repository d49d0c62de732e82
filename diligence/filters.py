import django_filters
from django import forms

from .models import DueDiligence, FraudRisk
from .selectors import EXPIRING_DAYS, diligence_expiring, diligence_in_state
from .workflows import DiligenceStatus

STATES = [
    *DiligenceStatus.choices,
    ("expired", "Expired"),
    ("high_undecided", "High risk, no decision"),
]


class DiligenceFilter(django_filters.FilterSet):
    """Filters for the list across organisations. Expiry depends on the day, so the view passes
    `today` in (tests pass a fixed day)."""

    state = django_filters.ChoiceFilter(
        label="State", choices=STATES, method="by_state", empty_label="Any state"
    )
    risk = django_filters.ChoiceFilter(
        label="Fraud risk",
        field_name="fraud_risk",
        choices=FraudRisk.choices,
        empty_label="Any risk",
    )
    expiring = django_filters.BooleanFilter(
        label=f"Expiring within {EXPIRING_DAYS} days",
        widget=forms.CheckboxInput,
        method="only_expiring",
    )

    class Meta:
        model = DueDiligence
        fields = []

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def by_state(self, queryset, name, value):
        return diligence_in_state(queryset, value, today=self.today)

    def only_expiring(self, queryset, name, value):
        # Unticked means every checklist, not the ones that are not expiring.
        return diligence_expiring(queryset, today=self.today) if value else queryset
