from decimal import Decimal

from django import forms
from django.utils import timezone

from core.validators import single_line_text


class PaymentPayForm(forms.Form):
    paid_on = forms.DateField(
        label="Paid on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank for today.",
    )
    reference = forms.CharField(
        label="Payment reference", max_length=60, required=False, validators=[single_line_text]
    )

    def clean_paid_on(self):
        value = self.cleaned_data.get("paid_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The payment date cannot be in the future.")
        return value


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling", max_length=500, validators=[single_line_text]
    )


class PaymentAddForm(forms.Form):
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
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when a payment of this award was cancelled after it was approved; "
        "shown on the finance list.",
    )
