import django_filters

from programmes.models import Round

from .models import Payment
from .workflows import PAYABLE_STATUSES, PAYMENT

# What each payable state is called in the filter, where it says more than its badge; any other
# payable state is offered under its workflow label, so no state the list shows is unfilterable.
STATUS_FILTER_LABELS = {
    Payment.Status.SCHEDULED: "Scheduled (to approve)",
    Payment.Status.APPROVED: "Approved (to pay)",
}
STATUS_CHOICES = [(s, STATUS_FILTER_LABELS.get(s, PAYMENT.label(s))) for s in PAYABLE_STATUSES]

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
        choices=STATUS_CHOICES,
        empty_label="Scheduled or approved",
    )

    class Meta:
        model = Payment
        fields = ["show", "round", "status"]
