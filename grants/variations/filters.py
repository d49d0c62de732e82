import django_filters
from django import forms

from programmes.models import Round

from .models import Variation
from .workflows import VARIATION


class VariationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=VARIATION.choices,
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    round = django_filters.ModelChoiceFilter(
        label="Round",
        field_name="award__area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Variation
        fields = ["status", "round"]
