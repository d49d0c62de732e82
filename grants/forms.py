from decimal import Decimal

from django import forms
from django.utils import timezone

from core.text import DatesAhead, TextBox
from core.validators import single_line_text

from .models import Payment

REFERENCE_MAX = Payment._meta.get_field("reference").max_length


class ReferenceField(forms.CharField):
    """A payment reference: at most 60 characters, refused by the field when longer. The input
    carries no maxlength, which would let a browser cut a pasted reference short without a word;
    the server says how long it is instead."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", REFERENCE_MAX)
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [single_line_text])
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class PaymentPayForm(forms.Form):
    paid_on = forms.DateField(
        label="Paid on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for today.",
    )
    reference = ReferenceField(label="Payment reference")

    def clean_paid_on(self):
        value = self.cleaned_data.get("paid_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The payment date cannot be in the future.")
        return value


class BulkPayForm(PaymentPayForm):
    """Bulk mark-as-paid: the date, one batch reference, and a reference for each payment
    (``reference_<id>``); a payment whose own reference is left blank takes the batch one."""

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].label = "Batch reference"
        self.fields[
            "reference"
        ].help_text = "Used for every payment whose own reference in the table is left blank."
        self.payments = list(payments)
        for payment in self.payments:
            self.fields[self.reference_name(payment)] = ReferenceField(
                label=f"Reference for {payment.award.area.reference}"
            )

    @staticmethod
    def reference_name(payment) -> str:
        return f"reference_{payment.pk}"

    def references(self) -> dict[int, str]:
        """Each payment's reference: its own, or else the batch one."""
        batch = self.cleaned_data.get("reference", "")
        return {p.pk: self.cleaned_data.get(self.reference_name(p)) or batch for p in self.payments}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling", max_length=500, validators=[single_line_text]
    )


class PaymentAddForm(DatesAhead, forms.Form):
    dates_ahead = ("due_on",)

    amount = forms.DecimalField(
        label="Amount (£)", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    due_on = forms.DateField(
        label="Due on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if it is due now.",
    )
    reason = forms.CharField(
        label="Why this payment is scheduled",
        max_length=500,
        required=False,
        widget=TextBox(attrs={"rows": 2}),
        help_text="Required when a payment of this award was cancelled after it was approved; "
        "shown on the finance list.",
    )
