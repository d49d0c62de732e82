from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone

from core.forms import DateInput, inline_form_helper
from core.text import REASON_CHARS, TextBox
from core.validators import single_line_text

from .models import DuplicateFlag, FraudRisk, GovernanceDocument, RegisterCheck

_helper = inline_form_helper


class DetailsForm(forms.Form):
    """The accounts, the declared conflicts and the fraud risk rating."""

    accounts_year_end = forms.DateField(
        label="Latest accounts: year end", required=False, widget=DateInput()
    )
    accounts_income = forms.DecimalField(
        label="Income that year (£)",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    accounts_notes = forms.CharField(
        label="What the accounts show",
        required=False,
        max_length=REASON_CHARS * 2,
        widget=TextBox(attrs={"rows": 2}),
        help_text="Reserves, unrestricted funds, a qualified audit opinion, late filing...",
    )
    conflicts_answered = forms.BooleanField(
        label="The organisation has declared its conflicts of interest (or that it has none)",
        required=False,
    )
    conflicts_declared = forms.CharField(
        label="Conflicts declared",
        required=False,
        max_length=REASON_CHARS * 2,
        widget=TextBox(attrs={"rows": 2}),
        help_text="Leave blank when it declared none.",
    )
    fraud_risk = forms.ChoiceField(
        label="Fraud risk",
        required=False,
        choices=[("", "Not rated yet"), *FraudRisk.choices],
    )
    fraud_risk_reasons = forms.CharField(
        label="Reasons for the rating",
        required=False,
        max_length=REASON_CHARS * 2,
        widget=TextBox(attrs={"rows": 2}),
    )
    fraud_mitigations = forms.CharField(
        label="Mitigations",
        required=False,
        max_length=REASON_CHARS * 2,
        widget=TextBox(attrs={"rows": 2}),
        help_text="Needed for a medium or high rating.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("accounts_year_end"), Column("accounts_income")),
            "accounts_notes",
            "conflicts_answered",
            "conflicts_declared",
            "fraud_risk",
            "fraud_risk_reasons",
            "fraud_mitigations",
        )


class RegisterCheckForm(forms.Form):
    register = forms.ChoiceField(choices=RegisterCheck.Register.choices)
    register_name = forms.CharField(
        label="Register (when other)",
        required=False,
        max_length=120,
        validators=[single_line_text],
    )
    identifier = forms.CharField(
        label="Number looked up", max_length=60, validators=[single_line_text]
    )
    checked_on = forms.DateField(label="Checked on", initial=timezone.localdate, widget=DateInput())
    outcome = forms.ChoiceField(label="Result", choices=RegisterCheck.Outcome.choices)
    finding = forms.CharField(
        label="What was found",
        max_length=REASON_CHARS * 2,
        widget=TextBox(attrs={"rows": 2}),
        help_text="Status, filing history, directors or trustees, anything that needs watching.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("register"), Column("register_name")),
            Row(Column("identifier"), Column("checked_on"), Column("outcome")),
            "finding",
        )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=GovernanceDocument.Kind.choices)
    title = forms.CharField(
        required=False, max_length=200, help_text="Optional.", validators=[single_line_text]
    )
    file = forms.FileField(help_text="PDF, Word (DOCX) or OpenDocument text, 10 MB at most.")
    review_on = forms.DateField(label="Next review due", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("kind"), Column("title")), Row(Column("file"), Column("review_on"))
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="What needs to change",
        max_length=REASON_CHARS,
        widget=TextBox(attrs={"rows": 2}),
    )


class RiskDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("proceed", "Proceed with the mitigations"), ("stop", "Do not proceed")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="What the decision rests on",
        max_length=REASON_CHARS,
        widget=TextBox(attrs={"rows": 2}),
    )


class DuplicateResolveForm(forms.Form):
    """What a programme manager found on looking at a possible duplicate organisation."""

    resolution = forms.ChoiceField(
        label="Are they the same organisation?",
        choices=DuplicateFlag.Resolution.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="What you checked, and what is to be done",
        max_length=DuplicateFlag._meta.get_field("resolution_note").max_length,
        validators=[single_line_text],
        help_text="For example: different charity numbers on the register; or: the same trust, "
        "an admin is to merge the newer record into the older.",
    )
