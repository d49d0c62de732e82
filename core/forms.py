"""Forms of what every app shares: putting an item of My work aside, the date box and the crispy
helper for a form inside a page's own <form>."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from .models import HiddenWorkItem
from .validators import single_line_text


class HideWorkItemForm(forms.Form):
    """Snooze an item until a date, or dismiss it with a reason. The item is named by hidden
    fields (its group's kind and what it is about); the service checks them."""

    SNOOZE, DISMISS = "snooze", "dismiss"

    action = forms.ChoiceField(
        choices=[(SNOOZE, "Snooze until a date"), (DISMISS, "Dismiss")],
        widget=forms.RadioSelect,
        initial=SNOOZE,
    )
    until = forms.DateField(
        required=False,
        label="Snooze until",
        help_text="It comes back on this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        required=False,
        max_length=HiddenWorkItem.REASON_MAX,
        validators=[single_line_text],
        label="Reason for dismissing",
        help_text=f"Required to dismiss; at most {HiddenWorkItem.REASON_MAX} characters.",
    )
    kind = forms.CharField(widget=forms.HiddenInput, max_length=100)
    ref = forms.CharField(widget=forms.HiddenInput, max_length=150)
    title = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    url = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.SNOOZE and not data.get("until") and "until" not in self.errors:
            self.add_error("until", "Choose the day it should come back.")
        reason = (data.get("reason") or "").strip()
        if action == self.DISMISS and not reason and "reason" not in self.errors:
            self.add_error("reason", "Say why you are dismissing it.")
        return data


def inline_form_helper(*fields_or_layout) -> FormHelper:
    """A crispy helper for a form the template wraps in its own <form> tag (and csrf token),
    with an optional layout."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields_or_layout:
        helper.layout = Layout(*fields_or_layout)
    return helper


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it needs."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
