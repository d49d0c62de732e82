"""Forms for bank details: entering them, the call-back that confirms them, and a rejection.
The services check everything again; the forms put their refusals next to the fields."""

from django import forms
from django.core.exceptions import ValidationError

from core.text import TextBox
from core.validators import single_line_text

from .services import NOTE_MAX, normalise_account_number, normalise_sort_code


def _field_error(exc: ValidationError, name: str):
    raise ValidationError(exc.error_dict[name])


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(
        label="Name on the account", max_length=140, validators=[single_line_text]
    )
    sort_code = forms.CharField(
        label="Sort code",
        max_length=20,
        help_text="6 digits, for example 12-34-56.",
        validators=[single_line_text],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        help_text="8 digits.",
        validators=[single_line_text],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_sort_code(self):
        try:
            return normalise_sort_code(self.cleaned_data["sort_code"])
        except ValidationError as exc:
            _field_error(exc, "sort_code")

    def clean_account_number(self):
        try:
            return normalise_account_number(self.cleaned_data["account_number"])
        except ValidationError as exc:
            _field_error(exc, "account_number")


class CallbackForm(forms.Form):
    callback_contact = forms.CharField(
        label="Person called",
        max_length=120,
        validators=[single_line_text],
        help_text="Who at the organisation confirmed the new details.",
    )
    callback_number = forms.CharField(
        label="Number called",
        max_length=30,
        validators=[single_line_text],
        help_text="A number the programme already held, not one given with the new details.",
    )
    callback_at = forms.DateTimeField(
        label="When you called",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    callback_note = forms.CharField(
        label="Call-back note",
        required=False,
        max_length=NOTE_MAX,
        widget=TextBox(attrs={"rows": 3}),
        help_text=f"Anything else said on the call; at most {NOTE_MAX} characters.",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why are the details rejected?",
        max_length=NOTE_MAX,
        widget=TextBox(attrs={"rows": 2}),
    )
