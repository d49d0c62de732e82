import django_filters
from django import forms
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from programmes.models import Area, AreaStage, Round

from .selectors import contact_overdue_q

# sort key -> ordering; "days since last contact" sorts on the last contact date the other way
# round, with never-contacted areas counted as the longest ago.
SORTS = {
    "reference": [F("reference").asc()],
    "name": [F("name").asc(), F("reference").asc()],
    "stage": [F("stage").asc(), F("reference").asc()],
    "contact": [F("last_contact_on").desc(nulls_last=True), F("reference").asc()],
    "risks": [F("open_risks").asc(), F("reference").asc()],
    "followups": [F("open_followups").asc(), F("reference").asc()],
    "adviser_days": [F("used_days").asc(), F("reference").asc()],
    # The early-warning score (earlywarning.AreaWarning, reached by its reverse name); an area
    # not scored yet counts as below every score.
    "warning": [Coalesce(F("warning__score"), Value(-1)).asc(), F("reference").asc()],
}


def _reverse(ordering):
    flipped = []
    for expr in ordering:
        flipped.append(
            expr.expression.desc(nulls_first=expr.nulls_last or None)
            if not expr.descending
            else expr.expression.asc(nulls_first=expr.nulls_last or None)
        )
    return flipped


def sort_areas(qs, key: str):
    """Order by one of SORTS; a leading '-' reverses it."""
    descending = key.startswith("-")
    ordering = SORTS.get(key.lstrip("-"))
    if ordering is None:
        return qs.order_by("reference")
    return qs.order_by(*(_reverse(ordering) if descending else ordering))


class SupportAreaFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(
        queryset=Round.objects.all(), to_field_name="slug", empty_label="All rounds"
    )
    stage = django_filters.ChoiceFilter(choices=AreaStage.choices, empty_label="All stages")
    contact_overdue = django_filters.BooleanFilter(
        label="Contact overdue (more than 30 days)",
        method="by_contact_overdue",
        widget=forms.CheckboxInput,
    )
    has_open_risks = django_filters.BooleanFilter(
        label="Has open risks", method="by_open_risks", widget=forms.CheckboxInput
    )

    class Meta:
        model = Area
        fields = []

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def by_contact_overdue(self, queryset, name, value):
        return queryset.filter(contact_overdue_q(self.today)) if value else queryset

    def by_open_risks(self, queryset, name, value):
        return queryset.filter(open_risks__gt=0) if value else queryset
