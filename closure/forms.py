from django import forms

from core.text import TextBox

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReconcileForm(forms.Form):
    spent = forms.DecimalField(
        label="Spent of this award (£)", min_value=0, max_digits=12, decimal_places=2
    )
    returned_by = forms.DateField(
        label="Unspent money to be returned by", required=False, widget=DATE
    )
    write_off_reason = forms.CharField(
        label="Or: why the unspent money should be written off",
        max_length=1000,
        required=False,
        widget=TextBox(attrs={"rows": 2}),
        help_text="A second programme manager must approve a write-off.",
    )


class ReceiveForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount received (£)", min_value=0.01, max_digits=12, decimal_places=2
    )
    received_on = forms.DateField(label="Received on", widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=TextBox(attrs={"rows": 2}))
