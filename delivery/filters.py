import django_filters

from accounts.models import Role, User
from programmes.models import Round

from .models import ProgressReturn
from .selectors import RETURN_STATES, state_q


class ReturnsFilter(django_filters.FilterSet):
    """Filters for the staff returns list. The state depends on the day, so the view passes
    `today` in (tests pass a fixed day)."""

    round = django_filters.ModelChoiceFilter(
        label="Round",
        field_name="area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
    )
    state = django_filters.ChoiceFilter(
        label="Status",
        choices=RETURN_STATES,
        method="filter_state",
        empty_label="Due or overdue",
    )
    relationship_manager = django_filters.ModelChoiceFilter(
        label="Relationship manager",
        queryset=User.objects.filter(role=Role.RELATIONSHIP_MANAGER, is_active=True),
        method="filter_rm",
        empty_label="Anyone",
    )

    class Meta:
        model = ProgressReturn
        fields = ["round", "state", "relationship_manager"]

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_q(value, self.today))

    def filter_rm(self, queryset, name, value):
        return queryset.filter(
            area__assignments__user=value, area__assignments__ended_on__isnull=True
        )

    @property
    def qs(self):
        qs = super().qs
        # With no state chosen the list shows what needs attention: due or overdue.
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("state")):
            qs = qs.filter(state_q("", self.today))
        return qs
