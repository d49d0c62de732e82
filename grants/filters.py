import datetime

import django_filters
from django.utils import timezone

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


# A change of bank account is the commonest grant fraud: the finance list flags, and filters,
# payments to an organisation whose confirmed account replaced another this recently
# (banking.BankAccount, through the organisation's ``bank_accounts``).
BANK_CHANGE_DAYS = 30
BANK_CHOICES = [("changed", f"Changed in the last {BANK_CHANGE_DAYS} days")]


def bank_changed_since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=BANK_CHANGE_DAYS)


def _bank(queryset, name, value):
    if value != "changed":
        return queryset
    accounts = "award__area__lead_organisation__bank_accounts__"
    # One confirmed account per organisation (a unique constraint), so the join adds no rows.
    return queryset.filter(
        **{
            f"{accounts}status": "confirmed",
            f"{accounts}replaces__isnull": False,
            f"{accounts}confirmed_at__gte": bank_changed_since(),
        }
    )


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

    bank = django_filters.ChoiceFilter(
        label="Bank account",
        choices=BANK_CHOICES,
        empty_label="Any",
        method=_bank,
    )

    class Meta:
        model = Payment
        fields = ["show", "round", "status", "bank"]
