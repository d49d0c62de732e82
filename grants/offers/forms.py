from django import forms

from core.text import TextBox
from core.validators import single_line_text


class OfferAcceptForm(forms.Form):
    name = forms.CharField(label="Your full name", max_length=200, validators=[single_line_text])
    role = forms.CharField(
        label="Your role or job title",
        max_length=200,
        help_text="The position in which you accept on behalf of the lead organisation.",
        validators=[single_line_text],
    )
    confirm = forms.BooleanField(
        label="I have read this version of the offer letter and accept the grant on its terms on "
        "behalf of the lead organisation."
    )
    terms_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class OfferReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000, widget=TextBox({"rows": 2}))
