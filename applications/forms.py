from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html_join

from core.money import pounds
from core.text import ANSWER_CHARS, NOTE_CHARS, REASON_CHARS, DatesAhead, TextBox, limit_texts
from core.uploads import accept_attribute, check_upload
from core.validators import single_line_text
from programmes.models import Milestone, Organisation, OrganisationType, Theme

from .models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    Application,
    ApplicationPartner,
    GateApplication,
    GateStage,
    Recommendation,
)
from .services.gates import GATE_MILESTONE_KIND


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


@limit_texts(issues=ANSWER_CHARS, services_involved=ANSWER_CHARS, expected_outcomes=ANSWER_CHARS)
class ApplicationForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Lead organisation",
        help_text="The organisation that applies and is accountable for the grant.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose one to three themes.",
    )

    class Meta:
        model = Application
        fields = [
            "organisation",
            "area_name",
            "local_authority",
            "area_type",
            "geo_code",
            "geo_code_type",
            "approach",
            "issues",
            "services_involved",
            "expected_outcomes",
        ]
        widgets = {
            "approach": forms.RadioSelect,
            "issues": TextBox(attrs={"rows": 5}),
            "services_involved": TextBox(attrs={"rows": 3}),
            "expected_outcomes": TextBox(attrs={"rows": 4}),
        }
        help_texts = {
            "geo_code": "Optional: a ward, LSOA or parish code such as E05001234.",
            "issues": "What is not working for residents now, and why it matters.",
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            self.initial.setdefault(
                "themes",
                [at.theme_id for at in self.instance.application_themes.all()],
            )
        elif organisations.count() == 1:
            self.initial.setdefault("organisation", organisations.first().pk)
        self.fields["approach"].choices = [c for c in self.fields["approach"].choices if c[0] != ""]
        self.fields["approach"].required = False
        self.helper = _helper(
            Fieldset("Lead organisation", "organisation"),
            Fieldset(
                "The neighbourhood",
                "area_name",
                Row(Column("local_authority"), Column("area_type")),
                Row(Column("geo_code"), Column("geo_code_type")),
            ),
            Fieldset("Your project", "themes", "approach"),
            Fieldset("What you want to change", "issues", "services_involved", "expected_outcomes"),
        )

    def clean_themes(self):
        themes = self.cleaned_data["themes"]
        if len(themes) > 3:
            raise forms.ValidationError("Choose no more than three themes.")
        return themes

    def details(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("organisation", "themes")}


class ApplicationPartnerForm(forms.ModelForm):
    class Meta:
        model = ApplicationPartner
        fields = ["name", "partner_type", "involvement"]


PartnerFormSet = forms.formset_factory(
    ApplicationPartnerForm, extra=2, can_delete=True, max_num=15, validate_max=True
)


def partner_rows(formset) -> list[dict]:
    return [
        {k: f.cleaned_data[k] for k in ("name", "partner_type", "involvement")}
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
    ]


class RegisterForm(forms.Form):
    first_name = forms.CharField(max_length=150, validators=[single_line_text])
    last_name = forms.CharField(max_length=150, validators=[single_line_text])
    email = forms.EmailField()
    job_title = forms.CharField(max_length=120, required=False, validators=[single_line_text])
    username = forms.CharField(
        max_length=150, help_text="You will sign in with this.", validators=[single_line_text]
    )
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    organisation_name = forms.CharField(
        label="Your organisation's name", max_length=200, validators=[single_line_text]
    )
    org_type = forms.ChoiceField(label="Type of organisation", choices=OrganisationType.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                "About you",
                Row(Column("first_name"), Column("last_name")),
                Row(Column("email"), Column("job_title")),
            ),
            Fieldset("Your organisation", "organisation_name", "org_type"),
            Fieldset("Signing in", "username", Row(Column("password1"), Column("password2"))),
        )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords do not match.")
        return data


class ScoreForm(forms.Form):
    """One score (and comment) per criterion of the round, plus the recommendation."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, required=False, widget=forms.RadioSelect
    )
    recommendation_notes = forms.CharField(
        max_length=NOTE_CHARS,
        label="Notes for the decision",
        widget=TextBox(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, criteria, scale, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.criteria = criteria
        score_choices = [("", "Not scored")] + [
            (str(n), str(n)) for n in range(scale.score_min, scale.score_max + 1)
        ]
        for c in criteria:
            row = existing.get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.ChoiceField(
                label=f"{c.name} (weight {c.weight.normalize()})",
                choices=score_choices,
                required=False,
                help_text=c.guidance,
                initial=str(row.score) if row else "",
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                max_length=NOTE_CHARS,
                label=f"Comment on {c.name.lower()}",
                required=False,
                widget=TextBox(attrs={"rows": 2}),
                initial=row.comment if row else "",
            )
        self.order_fields([*self.fields][2:] + ["recommendation", "recommendation_notes"])
        self.helper = _helper()

    def scores(self):
        for c in self.criteria:
            value = self.cleaned_data.get(f"score_{c.pk}")
            if value not in (None, ""):
                yield c, int(value), self.cleaned_data.get(f"comment_{c.pk}", "")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("admit", "Admit: create the area at Getting Ready"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        max_length=NOTE_CHARS,
        widget=TextBox(attrs={"rows": 3}),
        required=False,
        help_text="Required when rejecting; the applicant sees them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class BulkDecisionForm(DecisionForm):
    decision = forms.ChoiceField(
        label="Action",
        choices=[
            ("start", "Start assessment"),
            ("admit", "Admit: create each area at Getting Ready"),
            ("reject", "Reject"),
        ],
        widget=forms.RadioSelect,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_CHARS, required=False, widget=TextBox(attrs={"rows": 2})
    )


def _top_up_help():
    """What the two top-up grants are, with a link to each in the glossary: the list offers
    them by name and nothing else explained them (issue 25)."""
    from core.glossary import find

    rows = [
        (reverse("glossary"), term.slug, term.name, term.short)
        for term in (find("Going Further"), find("Breaking New Ground"))
    ]
    return format_html_join(" ", '<a class="term" href="{}#{}">{}</a>: {}', rows)


@limit_texts(summary=ANSWER_CHARS)
class GateForm(forms.ModelForm):
    class Meta:
        model = GateApplication
        fields = [
            "target_stage",
            "milestone",
            "amount_requested",
            "summary",
            "development_strategy",
            "logic_model",
        ]
        widgets = {"summary": TextBox(attrs={"rows": 5})}
        labels = {"target_stage": "Stage you are applying for", "amount_requested": "Amount (£)"}

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["milestone"].queryset = Milestone.objects.filter(
            round=area.round, kind__in=set(GATE_MILESTONE_KIND.values())
        ).order_by("due_on")
        definitions = {d.stage: d for d in area.round.stage_definitions.all()}
        ranges = []
        for value, label in GateStage.choices:
            d = definitions.get(value)
            if d:
                ranges.append(
                    f"{label}: £{d.grant_max:,.0f}"
                    if d.is_fixed_amount
                    else f"{label}: £{d.grant_min:,.0f} to £{d.grant_max:,.0f}"
                )
        self.fields["amount_requested"].help_text = "; ".join(ranges)
        self.fields["target_stage"].help_text = _top_up_help()
        accept = accept_attribute(EVIDENCE_EXTENSIONS)
        for name in ("development_strategy", "logic_model"):
            self.fields[name].widget.attrs["accept"] = accept
            self.fields[
                name
            ].help_text = "Needed for Getting Going. PDF, Word, Excel or .odt, up to 10 MB."
        self.helper = _helper(
            Row(Column("target_stage"), Column("milestone")),
            "amount_requested",
            "summary",
            Fieldset("Evidence", "development_strategy", "logic_model"),
        )

    def _checked_evidence(self, name):
        # The content check the service makes, so the message shows by the field.
        file = self.cleaned_data.get(name)
        if isinstance(file, UploadedFile):
            check_upload(file, allowed=EVIDENCE_EXTENSIONS, max_bytes=EVIDENCE_MAX_BYTES)
        return file

    def clean_development_strategy(self):
        return self._checked_evidence("development_strategy")

    def clean_logic_model(self):
        return self._checked_evidence("logic_model")


class GateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label="Amount approved (£)", max_digits=12, decimal_places=2, required=False
    )
    cba_required = forms.BooleanField(
        label="The area must produce a cost benefit analysis", required=False
    )
    extra_adviser_days = forms.DecimalField(
        label="Extra adviser days (0 to 5)",
        max_digits=3,
        decimal_places=1,
        min_value=0,
        max_value=5,
        required=False,
        initial=0,
    )
    reasons = forms.CharField(
        max_length=NOTE_CHARS,
        widget=TextBox(attrs={"rows": 3}),
        required=False,
        help_text="Required when rejecting; the area sees them.",
    )

    def __init__(self, *args, gate, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("amount", gate.amount_requested)
        definition = gate.area.round.stage_definitions.filter(stage=gate.target_stage).first()
        # A fixed grant is shown, not typed (the decision awards the amount requested, which
        # sending the application checked against it); a range bounds what can be typed. The
        # service checks the amount again either way (gate_decide_preview, before confirming).
        self.fixed_amount = None
        if definition and definition.is_fixed_amount:
            self.fixed_amount = definition.grant_max
            del self.fields["amount"]
        elif definition:
            amount = self.fields["amount"]
            amount.widget.attrs.update(
                min=definition.grant_min, max=definition.grant_max, step="0.01"
            )
            amount.help_text = (
                f"Between {pounds(definition.grant_min)} and {pounds(definition.grant_max)}."
            )
        if gate.target_stage != GateStage.GETTING_GOING:
            # CBA and extra consultancy days are decided at the Getting Going gate.
            del self.fields["cba_required"]
            del self.fields["extra_adviser_days"]
        self.helper = _helper()


class ExtensionForm(DatesAhead, forms.Form):
    dates_ahead = ("new_due_on",)

    milestone = forms.ModelChoiceField(queryset=Milestone.objects.none())
    new_due_on = forms.DateField(
        label="New deadline",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(max_length=REASON_CHARS, widget=TextBox(attrs={"rows": 3}))

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = area.round.milestones.order_by("due_on")
        self.helper = _helper()


class AreaLeaveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[
            ("withdrawn", "The area withdrew from the programme"),
            ("not_progressed", "The area will not progress (a programme decision)"),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        max_length=NOTE_CHARS,
        label="Reasons",
        help_text="Shown on the area's timeline and to the lead organisation.",
        widget=TextBox(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AreaReinstateForm(forms.Form):
    reasons = forms.CharField(
        max_length=NOTE_CHARS,
        label="Why is the area being reinstated?",
        widget=TextBox(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- Assessors and conflicts of interest ---------------------------------------------------------


class AssessorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssignAssessorForm(forms.Form):
    # Not "required" in the HTML: on the assessment queue it sits in the bulk decision's form,
    # whose submission an empty required select would block. The server still requires it.
    use_required_attribute = False

    assessor = AssessorChoice(queryset=None, empty_label="Choose an assessor")

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
        self.helper = _helper()


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label="Do you have a conflict of interest?",
        choices=[
            ("none", "No: I have no conflict of interest"),
            ("conflict", "Yes: I have a conflict of interest"),
        ],
        widget=forms.RadioSelect,
        help_text="For example, you live near the applicant, know its staff or trustees, or "
        "work with one of its partners.",
    )
    nature = forms.CharField(
        label="The nature of the conflict",
        max_length=REASON_CHARS,
        widget=TextBox(attrs={"rows": 3}),
        required=False,
        help_text="Required if you have a conflict. The funder's register shows it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("declaration") == "conflict" and not (data.get("nature") or "").strip():
            self.add_error("nature", "Say what the conflict is.")
        return data
