"""The lead organisation's request for a variation: one form, three optional parts (more time,
moving money, a changed amount); each part filled in is one change of the request."""

from django import forms

from core.money import pounds
from core.text import REASON_CHARS, TextBox
from grants.models import Payment

from .changes import VARIABLE
from .services import REASONS_LIMIT

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})


class PaymentChoice(forms.ModelChoiceField):
    def label_from_instance(self, p):
        due = f", due {p.due_on:%-d %b %Y}" if p.due_on else ", held back"
        return f"{p.get_kind_display()} of {pounds(p.amount)}{due}"


class VariationRequestForm(forms.Form):
    reasons = forms.CharField(
        label="Why the grant needs to change",
        widget=TextBox(attrs={"rows": 4}),
        max_length=REASONS_LIMIT,
    )
    time_payment = PaymentChoice(
        label="What needs more time",
        queryset=Payment.objects.none(),
        required=False,
        empty_label="The grant's end date",
    )
    time_date = forms.DateField(label="New date", required=False, widget=DATE)
    move_from = PaymentChoice(
        label="Move money from", queryset=Payment.objects.none(), required=False
    )
    move_to = PaymentChoice(
        label="To",
        queryset=Payment.objects.none(),
        required=False,
        empty_label="A new instalment",
    )
    move_amount = forms.DecimalField(
        label="Amount to move (£)",
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=MONEY_WIDGET,
    )
    move_date = forms.DateField(
        label="New instalment due", required=False, widget=DATE, help_text="For a new instalment."
    )
    new_amount = forms.DecimalField(
        label="New grant amount (£)",
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=MONEY_WIDGET,
    )
    amount_payment = PaymentChoice(
        label="Payment that takes the difference",
        queryset=Payment.objects.none(),
        required=False,
        empty_label="A new instalment (for more money)",
    )
    amount_date = forms.DateField(
        label="New instalment due", required=False, widget=DATE, help_text="For a new instalment."
    )

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = award
        variable = award.payments.filter(status__in=VARIABLE).order_by("id")
        for name in ("time_payment", "move_from", "move_to", "amount_payment"):
            self.fields[name].queryset = variable
        self.fields[
            "time_payment"
        ].help_text = (
            f"The grant's end date is {award.ends:%-d %B %Y}; or choose a payment's due date."
        )
        self.fields["new_amount"].help_text = f"The grant is {pounds(award.amount)} now."

    def clean(self):
        data = super().clean()
        changes = []
        if data.get("time_date"):
            changes.append(
                {"kind": "time", "payment": data.get("time_payment"), "new_date": data["time_date"]}
            )
        elif data.get("time_payment"):
            self.add_error("time_date", "Give the new date.")
        if data.get("move_amount") is not None:
            if not data.get("move_from"):
                self.add_error("move_from", "Choose the payment the money comes from.")
            changes.append(
                {
                    "kind": "move",
                    "payment": data.get("move_from"),
                    "to_payment": data.get("move_to"),
                    "amount": data["move_amount"],
                    "new_date": data.get("move_date"),
                }
            )
        elif data.get("move_from"):
            self.add_error("move_amount", "Give the amount to move.")
        if data.get("new_amount") is not None:
            changes.append(
                {
                    "kind": "amount",
                    "payment": data.get("amount_payment"),
                    "amount": data["new_amount"],
                    "new_date": data.get("amount_date"),
                }
            )
        if not changes and not self.errors:
            raise forms.ValidationError(
                "Ask for at least one change: more time, moving money, or a new amount."
            )
        data["changes"] = changes
        return data


class VariationNoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=REASON_CHARS, widget=TextBox)


class VariationRefuseForm(forms.Form):
    reason = forms.CharField(max_length=REASON_CHARS, widget=TextBox)
