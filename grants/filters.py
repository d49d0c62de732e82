import django_filters

from programmes.models import Round

from .models import Payment

SHOW_CHOICES = [
    ("mine", "Awaiting my approval"),
    ("due_week", "Due this week"),
    ("overdue", "Overdue"),
]


class PayableFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(
        label="Round",
        field_name="award__area__round",
        queryset=Round.objects.all(),
        to_field_name="slug",
        empty_label="All rounds",
    )
    show = django_filters.ChoiceFilter(
        label="Show",
        choices=SHOW_CHOICES,
        empty_label="Everything payable now",
        # finance_list (grants/selectors.py) narrows the queryset before the filter runs.
        method=lambda queryset, name, value: queryset,
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (Payment.Status.SCHEDULED, "Scheduled (to approve)"),
            (Payment.Status.APPROVED_ONCE, "Awaiting second approval"),
            (Payment.Status.APPROVED, "Approved (to pay)"),
        ],
        empty_label="Scheduled or approved",
    )

    class Meta:
        model = Payment
        fields = ["show", "round", "status"]
