import django_filters

from programmes.models import Round

from .models import Variation
from .workflows import VARIATION


class VariationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VARIATION.choices, empty_label="Any status")
    round = django_filters.ModelChoiceFilter(
        label="Round",
        field_name="award__area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
    )

    class Meta:
        model = Variation
        fields = ["status", "round"]
