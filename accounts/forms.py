"""Forms for signing in with a second factor and setting one up."""

from django import forms

from core.validators import single_line_text


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text="Enter the 6-digit code the app shows for Our Place.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255, required=False)
    ip_address = forms.CharField(max_length=64, required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email address",
        help_text="They get a link to set their password; it works once, for a few days.",
    )


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150, validators=[single_line_text])
    last_name = forms.CharField(max_length=150, validators=[single_line_text])
    username = forms.CharField(
        max_length=150,
        help_text="What you will type to sign in. Your email address works.",
        validators=[single_line_text],
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common or guessable one.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords are not the same.")
        return data
