from django import forms
from django.utils import timezone

from core.money import pounds
from core.text import ANSWER_CHARS, NOTE_CHARS, DatesAhead, TextBox
from core.validators import single_line_text

from .models import (
    FINAL_SECTIONS,
    Factor,
    FactorKind,
    FundingRecord,
    LineKind,
    MatchFundingCommitment,
    ProgressStatus,
    ReturnSection,
)

FACTOR_CHOICES = [(f.value, f.label) for f in Factor if f != Factor.OTHER]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReturnForm(forms.Form):
    progress_status = forms.ChoiceField(
        label="How is the work going against your operational plan?",
        choices=[("", "Not said yet"), *ProgressStatus.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="You can save a draft without this; it is needed to submit.",
    )
    obstacles = forms.MultipleChoiceField(
        label="Obstacles (if you are behind or have not started)",
        choices=FACTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_obstacle = forms.CharField(
        label="Other obstacle", max_length=300, required=False, validators=[single_line_text]
    )
    enablers = forms.MultipleChoiceField(
        label="Enablers (if you are on schedule or ahead)",
        choices=FACTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_enabler = forms.CharField(
        label="Other enabler", max_length=300, required=False, validators=[single_line_text]
    )
    milestones_met = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Milestones met this period",
        widget=TextBox(attrs={"rows": 3}),
        required=False,
    )
    achievements = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Main achievements",
        widget=TextBox(attrs={"rows": 3}),
        required=False,
    )
    steering_group_meeting = forms.BooleanField(
        label="A steering group or partnership board meets regularly", required=False
    )
    mainstream_resources = forms.BooleanField(
        label="Mainstream resources are in place", required=False
    )
    paid_staff = forms.BooleanField(label="Paid staff are in place", required=False)
    service_users_reached = forms.IntegerField(
        label="Service users reached this period", min_value=0, initial=0
    )

    def __init__(self, *args, due=(), **kwargs):
        """`due`: the outcome indicators the return asks about (``indicators_due``), each
        adding a value and a note field."""
        super().__init__(*args, **kwargs)
        self.due = list(due)
        for d in self.due:
            i = d.indicator
            self.fields[f"indicator_{i.pk}"] = forms.DecimalField(
                label=f"{i.name}: latest value ({i.get_unit_display().lower()})",
                max_digits=12,
                decimal_places=2,
                required=False,
                help_text=f"Baseline {d.trend.baseline_label}; target {d.trend.target_label} by "
                f"{i.target_on:%-d %b %Y}; {i.get_direction_display().lower()}. "
                f"Measured by: {i.how_measured}",
            )
            self.fields[f"indicator_{i.pk}_note"] = forms.CharField(
                label=f"Note on {i.name}",
                max_length=500,
                required=False,
                validators=[single_line_text],
                help_text="How you got the figure, or why it has moved.",
            )
            if d.value is not None:
                self.initial.setdefault(f"indicator_{i.pk}", d.value.value)
                self.initial.setdefault(f"indicator_{i.pk}_note", d.value.note)

    def indicator_fields(self):
        """(value field, note field, DueIndicator) for the template, in the plan's order."""
        return [
            (self[f"indicator_{d.indicator.pk}"], self[f"indicator_{d.indicator.pk}_note"], d)
            for d in self.due
        ]

    def clean(self):
        data = super().clean()
        for d in self.due:
            key = f"indicator_{d.indicator.pk}"
            if data.get(f"{key}_note") and data.get(key) is None and key not in self.errors:
                self.add_error(key, "Give the value the note is about.")
        return data

    def indicator_values(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "indicator": d.indicator.pk,
                "value": data[f"indicator_{d.indicator.pk}"],
                "note": data.get(f"indicator_{d.indicator.pk}_note") or "",
            }
            for d in self.due
            if data.get(f"indicator_{d.indicator.pk}") is not None
        ]

    @classmethod
    def initial_for(cls, progress_return):
        factors = list(progress_return.factors.all())
        initial = {
            name: getattr(progress_return, name)
            for name in (
                "progress_status",
                "milestones_met",
                "achievements",
                "steering_group_meeting",
                "mainstream_resources",
                "paid_staff",
                "service_users_reached",
            )
        }
        for kind, field, other in (
            (FactorKind.OBSTACLE, "obstacles", "other_obstacle"),
            (FactorKind.ENABLER, "enablers", "other_enabler"),
        ):
            initial[field] = [f.factor for f in factors if f.kind == kind and f.factor != "other"]
            initial[other] = next(
                (f.other_text for f in factors if f.kind == kind and f.factor == "other"), ""
            )
        return initial

    def factors(self) -> list[dict]:
        data = self.cleaned_data
        chosen = []
        for kind, field, other in (
            (FactorKind.OBSTACLE, "obstacles", "other_obstacle"),
            (FactorKind.ENABLER, "enablers", "other_enabler"),
        ):
            chosen += [{"factor": f, "kind": kind, "other_text": ""} for f in data[field]]
            if data[other].strip():
                chosen.append({"factor": Factor.OTHER, "kind": kind, "other_text": data[other]})
        return chosen

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in _RETURN_KEYS}
        return {**data, "factors": self.factors(), "indicator_values": self.indicator_values()}


class FinalReportForm(ReturnForm):
    """A final report: a return's sections, then what the grant achieved, what it spent against
    the award, and the lessons (needed to submit; a draft may leave them empty)."""

    outcomes_achieved = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Outcomes achieved against the plan",
        widget=TextBox(attrs={"rows": 4}),
        required=False,
    )
    spent = forms.DecimalField(
        label="Grant money spent (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="All the programme's grant money you spent, in pounds.",
    )
    spend_explained = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Spend against the award",
        widget=TextBox(attrs={"rows": 3}),
        required=False,
        help_text="What the money went on, and why any was not spent.",
    )
    lessons = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Lessons learned",
        widget=TextBox(attrs={"rows": 3}),
        required=False,
    )

    @classmethod
    def initial_for(cls, progress_return):
        initial = super().initial_for(progress_return)
        for name in _FINAL_KEYS:
            initial[name] = getattr(progress_return, name)
        return initial

    def service_kwargs(self) -> dict:
        final = {k: self.cleaned_data[k] for k in _FINAL_KEYS}
        return {**super().service_kwargs(), "final": final}


_FINAL_KEYS = ("outcomes_achieved", "spent", "spend_explained", "lessons")

_RETURN_KEYS = {
    "progress_status",
    "milestones_met",
    "achievements",
    "steering_group_meeting",
    "mainstream_resources",
    "paid_staff",
    "service_users_reached",
}


class ReviewForm(forms.Form):
    """A reviewer's comments on a submitted return: one optional comment per section and a
    general note. The decision is the button pressed (``decision``)."""

    decision = forms.ChoiceField(
        choices=[("accepted", "Accept"), ("changes_requested", "Ask for changes")]
    )
    note = forms.CharField(
        max_length=NOTE_CHARS,
        label="General comment (optional)",
        widget=TextBox(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A final report has three sections more than a progress return.
        self.sections = [s for s in ReturnSection if final or s not in FINAL_SECTIONS]
        for section in self.sections:
            # Each box sits beside its section on the return's page, outside the review form's
            # element: the `form` attribute still sends it with the decision.
            self.fields[f"comment_{section.value}"] = forms.CharField(
                max_length=NOTE_CHARS,
                label=f"{section.label}: what should change",
                widget=TextBox(attrs={"rows": 2, "form": "review-form"}),
                required=False,
            )

    def comment_fields(self):
        return [self[f"comment_{s.value}"] for s in self.sections]

    def comments(self) -> dict[str, str]:
        return {s.value: self.cleaned_data.get(f"comment_{s.value}", "") for s in self.sections}


def posted_answers(data, comments) -> dict[int, str]:
    """The lead organisation's answers to `comments` from the posted ``answer_<id>`` fields."""
    # Line breaks as one character each, as the box's maxlength and counter count them.
    return {
        c.pk: data[f"answer_{c.pk}"].replace("\r\n", "\n")
        for c in comments
        if f"answer_{c.pk}" in data
    }


class FundingRecordForm(forms.ModelForm):
    class Meta:
        model = FundingRecord
        fields = ["source", "year", "arrangement", "amount", "funder_name", "notes"]
        widgets = {"notes": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"step": "0.01", "min": "0"})
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year if today.month >= 4 else today.year - 1)


def _benefit_forecast(line) -> str:
    """The same forecast as the comparison table beside the picker: after optimism bias."""
    if line.optimism_bias_pct:
        return (
            f"{pounds(line.forecast)} after {line.optimism_bias_pct.normalize():f}% optimism bias"
        )
    return pounds(line.forecast)


class OutturnForm(forms.Form):
    forecast_line = forms.ChoiceField(
        label="Forecast line",
        required=False,
        help_text="Leave on 'Not in the analysis' for a cost or benefit the CBA did not foresee.",
    )
    kind = forms.ChoiceField(
        label="Cost or benefit (when not in the analysis)",
        choices=LineKind.choices,
        initial=LineKind.COST,
    )
    year = forms.IntegerField(
        min_value=0, required=False, help_text="0 is the first year; taken from the forecast line."
    )
    description = forms.CharField(max_length=300, required=False, validators=[single_line_text])
    actual_amount = forms.DecimalField(
        label="Actual amount (£)", max_digits=12, decimal_places=2, min_value=0
    )
    notes = forms.CharField(max_length=500, required=False, validators=[single_line_text])

    def __init__(self, *args, cba, **kwargs):
        super().__init__(*args, **kwargs)
        self.cost_lines = {str(c.pk): c for c in cba.costs.all()}
        self.benefit_lines = {str(b.pk): b for b in cba.benefits.all()}
        self.fields["forecast_line"].choices = [
            ("", "Not in the analysis"),
            (
                "Costs",
                [
                    (f"cost:{pk}", f"Year {c.year}: {c.description} ({pounds(c.amount)})")
                    for pk, c in self.cost_lines.items()
                ],
            ),
            (
                "Benefits",
                [
                    (f"benefit:{pk}", f"Year {b.year}: {b.description} ({_benefit_forecast(b)})")
                    for pk, b in self.benefit_lines.items()
                ],
            ),
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kind, _, pk = (data.get("forecast_line") or "").partition(":")
        cost_line = self.cost_lines.get(pk) if kind == "cost" else None
        benefit_line = self.benefit_lines.get(pk) if kind == "benefit" else None
        return {
            "kind": kind or data["kind"],
            "cost_line": cost_line,
            "benefit_line": benefit_line,
            "year": data.get("year"),
            "description": data.get("description") or "",
            "actual_amount": data["actual_amount"],
            "notes": data.get("notes") or "",
        }

    @staticmethod
    def initial_for(line):
        forecast = ""
        if line.cost_line_id:
            forecast = f"cost:{line.cost_line_id}"
        elif line.benefit_line_id:
            forecast = f"benefit:{line.benefit_line_id}"
        return {
            "forecast_line": forecast,
            "kind": line.kind,
            "year": line.year,
            "description": line.description,
            "actual_amount": line.actual_amount,
            "notes": line.notes,
        }


class SustainabilityForm(forms.Form):
    sustainability_plan = forms.CharField(
        max_length=ANSWER_CHARS,
        label="Sustainability plan",
        widget=TextBox(attrs={"rows": 6}),
        help_text="How you will scale up and pay for the work once the programme's money ends: "
        "which services will commission it, and what the match funding pays for.",
    )


class CommitmentForm(DatesAhead, forms.ModelForm):
    dates_ahead = ("expected_payment_on",)

    class Meta:
        model = MatchFundingCommitment
        fields = ["public_body", "body_type", "amount", "expected_payment_on"]
        widgets = {"expected_payment_on": DATE}


class ReceiveForm(forms.Form):
    received_on = forms.DateField(label="Received on", widget=DATE)
    received_amount = forms.DecimalField(
        label="Amount received (£)", max_digits=12, decimal_places=2, min_value=0
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why was it withdrawn?", max_length=500, validators=[single_line_text]
    )
