import django_filters

from programmes.models import Round

from .models import Payment


class PayableFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(
        label="Round",
        field_name="award__area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (Payment.Status.SCHEDULED, "Scheduled (to approve)"),
            (Payment.Status.APPROVED, "Approved (to pay)"),
        ],
        empty_label="Scheduled or approved",
    )

    class Meta:
        model = Payment
        fields = ["round", "status"]
