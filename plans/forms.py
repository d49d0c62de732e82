from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxValueValidator

from core.text import NOTE_CHARS, DatesAhead, TextBox, limit_texts
from core.uploads import accept_attribute, check_upload
from core.validators import single_line_text
from programmes.models import Area, Organisation

from . import bounds
from .indicators import MAX_INDICATORS, IndicatorUnit, OutcomeIndicator, indicator_problems
from .models import (
    LOGIC_MODEL_COLUMNS,
    MAX_ATTACHMENT_BYTES,
    BenefitLine,
    BudgetArrangement,
    CostLine,
    DevelopmentStrategy,
    LogicModelRow,
    OperationalPlan,
    PeerReview,
    PlanAttachment,
    ResourcingLine,
)
from .services import COMMENTABLE_SECTIONS
from .services.attachments import ATTACHMENT_EXTENSIONS


def _no_form_tag(form):
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.disable_csrf = True
    return form


def _section_texts(*names):
    """Bound each named text (all the Meta's fields when none is named) at
    bounds.MAX_SECTION_CHARS and say the limit by the field; the site's script counts it."""

    def decorate(form_class):
        texts = names or form_class.Meta.fields
        limit_texts(**dict.fromkeys(texts, bounds.MAX_SECTION_CHARS))(form_class)
        hint = f"Up to {bounds.MAX_SECTION_CHARS:,} characters."
        for name in texts:
            field = form_class.base_fields[name]
            field.help_text = f"{field.help_text} {hint}".strip()
        return form_class

    return decorate


class BoundedFormSet(forms.BaseModelFormSet):
    """A formset with a most-rows bound, said in the site's words above the table."""

    what = "lines"
    hint = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "too_many_forms": f"A plan can have at most {self.max_num} {self.what}: remove some.",
        }


def _bounded_formset(model, form, limit, what, hint=""):
    hint = hint or f"Up to {limit} {what}."
    return forms.modelformset_factory(
        model,
        form=form,
        formset=type(f"{model.__name__}FormSet", (BoundedFormSet,), {"what": what, "hint": hint}),
        extra=1,
        can_delete=True,
        max_num=limit,
        validate_max=True,
    )


@_section_texts()
class StrategyForm(forms.ModelForm):
    class Meta:
        model = DevelopmentStrategy
        fields = ["issues", "evidence_of_need", "who_engaged"]
        widgets = {f: TextBox(attrs={"rows": 6}) for f in fields}
        help_texts = {
            "issues": "The issues in your neighbourhood you want to tackle.",
            "evidence_of_need": "Data, surveys and local knowledge that show the need.",
            "who_engaged": "Residents, partners and services you talked to, and how.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_form_tag(self)


@limit_texts(**{name: bounds.MAX_CELL_CHARS for name, _ in LOGIC_MODEL_COLUMNS})
class LogicModelRowForm(forms.ModelForm):
    class Meta:
        model = LogicModelRow
        fields = [
            "order",
            "inputs",
            "activities",
            "outputs",
            "short_term_outcomes",
            "long_term_outcomes",
            "indicators",
        ]
        widgets = {
            "order": forms.HiddenInput(attrs={"class": "row-order"}),
            **{
                f: TextBox(attrs={"rows": 3, "class": "form-control form-control-sm"})
                for f in fields[1:]
            },
        }


LogicModelFormSet = _bounded_formset(
    LogicModelRow,
    LogicModelRowForm,
    bounds.MAX_LOGIC_MODEL_ROWS,
    "logic model rows",
    hint=f"Up to {bounds.MAX_LOGIC_MODEL_ROWS} rows; each cell up to "
    f"{bounds.MAX_CELL_CHARS:,} characters, and {bounds.MAX_LOGIC_MODEL_CHARS:,} characters in all.",
)


class TableRowForm(forms.ModelForm):
    """A form shown as one row of an editable table: compact Bootstrap widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "DELETE":
                continue
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else ("form-control form-control-sm")
            )
            widget.attrs.setdefault("class", css)


@_section_texts("notes")
class CbaNotesForm(forms.Form):
    notes = forms.CharField(
        max_length=bounds.MAX_SECTION_CHARS,
        required=False,
        widget=TextBox(attrs={"rows": 3}),
        help_text="Assumptions, sources and anything a reviewer should know.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_form_tag(self)


class CbaLineForm(TableRowForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.max_value = bounds.MAX_CBA_YEAR
        year.validators.append(MaxValueValidator(bounds.MAX_CBA_YEAR))
        year.widget.attrs["max"] = str(bounds.MAX_CBA_YEAR)


class CostLineForm(CbaLineForm):
    class Meta:
        model = CostLine
        fields = ["year", "description", "amount", "borne_by"]


class BenefitLineForm(CbaLineForm):
    class Meta:
        model = BenefitLine
        fields = [
            "year",
            "description",
            "amount",
            "benefit_type",
            "agency",
            "evidence_source",
            "optimism_bias_pct",
        ]


CostFormSet = _bounded_formset(CostLine, CostLineForm, bounds.MAX_CBA_LINES, "cost lines")
BenefitFormSet = _bounded_formset(BenefitLine, BenefitLineForm, bounds.MAX_CBA_LINES, "benefits")


@_section_texts()
class PlanSectionsForm(forms.ModelForm):
    class Meta:
        model = OperationalPlan
        fields = [
            "issues_and_why",
            "service_changes",
            "money_differently",
            "governance",
            "resourcing",
            "risks",
            "timetable",
        ]
        widgets = {f: TextBox(attrs={"rows": 5}) for f in fields}
        help_texts = {
            "issues_and_why": "Which issues and services the plan addresses, and why.",
            "service_changes": "What will change in how services are delivered.",
            "money_differently": "How public money will be aligned, pooled or devolved (list the "
            "arrangements below).",
            "resourcing": "Your assumptions about funding and people (list planned funding "
            "by source below).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            # The editor's script keeps each section as a draft while it is typed.
            self.fields[name].widget.attrs["data-draft-section"] = name
        _no_form_tag(self)


class BudgetArrangementForm(TableRowForm):
    class Meta:
        model = BudgetArrangement
        fields = ["kind", "partner_name", "amount", "description"]


class ResourcingLineForm(TableRowForm):
    class Meta:
        model = ResourcingLine
        fields = ["source", "year", "planned_amount", "notes"]


BudgetFormSet = _bounded_formset(
    BudgetArrangement, BudgetArrangementForm, bounds.MAX_BUDGET_LINES, "budget arrangements"
)
ResourcingFormSet = _bounded_formset(
    ResourcingLine, ResourcingLineForm, bounds.MAX_RESOURCING_LINES, "planned funding lines"
)


class AttachmentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Left blank: the file name.",
        validators=[single_line_text],
    )
    file = forms.FileField(
        help_text="PDF, DOCX, XLSX or ODT, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute(ATTACHMENT_EXTENSIONS)}),
    )
    document = forms.ChoiceField(
        choices=PlanAttachment.Document.choices, widget=forms.HiddenInput, initial="plan"
    )

    def __init__(self, *args, editor_form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        _no_form_tag(self)
        if editor_form_id:
            # On an editor page the fields belong to the editor's form (HTML form attribute), so
            # uploading posts the typed text with the file and nothing typed is lost.
            # The editor knows which document it is.
            del self.fields["document"]
            for field in self.fields.values():
                field.widget.attrs["form"] = editor_form_id
            self.fields["file"].required = False

    def clean_file(self):
        # The same check the service makes, so the message appears before anything is stored.
        file = self.cleaned_data["file"]
        if not file:
            return file
        check_upload(file, allowed=ATTACHMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES)
        return file


class ReturnForm(forms.Form):
    """One comment box per section, each shown beside the section it concerns; at least one must
    be filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in COMMENTABLE_SECTIONS:
            # Each box sits beside its section on the review page, outside the form's own
            # element: the `form` attribute still sends it with the return.
            self.fields[f"comment_{key}"] = forms.CharField(
                label=f"Comment on {label.lower()}" if key != "general" else "General comment",
                required=False,
                max_length=NOTE_CHARS,
                widget=TextBox(attrs={"rows": 2, "form": "return-form"}),
            )
        _no_form_tag(self)

    def clean(self):
        data = super().clean()
        if not any((data.get(f"comment_{k}") or "").strip() for k, _ in COMMENTABLE_SECTIONS):
            raise forms.ValidationError("Say what needs to change in at least one section.")
        return data

    def comments(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(f"comment_{k}", "") for k, _ in COMMENTABLE_SECTIONS}


class NotApproveForm(forms.Form):
    reasons = forms.CharField(max_length=NOTE_CHARS, widget=TextBox(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_form_tag(self)


class SignOffForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=NOTE_CHARS,
        widget=TextBox(attrs={"rows": 2}),
        label="Comment (optional)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_form_tag(self)


class PeerReviewAssignForm(DatesAhead, forms.Form):
    dates_ahead = ("due_on",)

    reviewer_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Reviewing organisations",
        help_text="Other lead organisations in the same round.",
    )
    due_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Due on",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        area = plan.area
        lead_ids = (
            Area.objects.filter(round_id=area.round_id)
            .exclude(lead_organisation_id=area.lead_organisation_id)
            .values("lead_organisation_id")
        )
        assigned = plan.peer_review_assignments.values("reviewer_organisation_id")
        self.fields["reviewer_organisations"].queryset = (
            Organisation.objects.filter(pk__in=lead_ids).exclude(pk__in=assigned).order_by("name")
        )
        _no_form_tag(self)


@limit_texts(strengths=NOTE_CHARS, suggestions=NOTE_CHARS, questions=NOTE_CHARS)
class PeerReviewForm(forms.ModelForm):
    class Meta:
        model = PeerReview
        fields = ["strengths", "suggestions", "questions", "overall_rating"]
        widgets = {
            "strengths": TextBox(attrs={"rows": 4}),
            "suggestions": TextBox(attrs={"rows": 4}),
            "questions": TextBox(attrs={"rows": 3}),
            "overall_rating": forms.RadioSelect,
        }
        labels = {"suggestions": "Suggestions for improvement", "overall_rating": "Overall"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list needs no "---------" choice: the rating is required.
        field = self.fields["overall_rating"]
        field.choices = [c for c in field.choices if c[0] != ""]
        _no_form_tag(self)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    round = forms.ChoiceField(required=False)
    show = forms.ChoiceField(
        required=False,
        choices=[("", "All waiting"), ("overdue", "Overdue only"), ("mine", "Awaiting me")],
    )

    def __init__(self, *args, statuses, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *statuses]
        self.fields["round"].choices = [("", "Any round"), *rounds]


class IndicatorForm(forms.ModelForm):
    """One outcome indicator; its row is chosen from the area's logic model (``rows=``)."""

    class Meta:
        model = OutcomeIndicator
        fields = [
            "row",
            "name",
            "unit",
            "direction",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "how_measured",
        ]
        labels = {
            "row": "Logic model row it measures",
            "baseline_value": "Baseline",
            "target_value": "Target",
            "target_on": "Target date (to be reached by)",
        }
        widgets = {
            "baseline_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "how_measured": "The source and method, e.g. “Jobcentre referral records, counted "
            "each quarter”.",
        }

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(rows)
        self.fields["row"].queryset = LogicModelRow.objects.filter(pk__in=[r.pk for r in rows])
        self.fields["row"].choices = [("", "Choose a row")] + [
            (r.pk, f"Row {n}: {_row_label(r)}") for n, r in enumerate(rows, 1)
        ]
        self.fields["unit"].choices = [("", "Choose a unit"), *IndicatorUnit.choices]
        for name in ("name", "how_measured"):
            self.fields[name].widget.attrs["maxlength"] = self.fields[name].max_length

    def clean(self):
        data = super().clean()
        fields = ("unit", "direction", "baseline_value", "baseline_on", "target_value", "target_on")
        if all(data.get(name) not in (None, "") for name in fields):
            for name, message in indicator_problems(data).items():
                self.add_error(name, message)
        return data


def _row_label(row) -> str:
    text = (row.short_term_outcomes or row.long_term_outcomes or row.activities or "").strip()
    text = " ".join(text.split())
    return (text[:70] + "…") if len(text) > 70 else (text or "(no outcomes written)")


class BaseIndicatorFormSet(BoundedFormSet):
    def __init__(self, *args, rows=(), **kwargs):
        self.rows = list(rows)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "rows": self.rows}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            rows=self.rows,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


def indicator_formset(*, rows, data=None, queryset=None, blank=3):
    """The editor's formset: the saved indicators and `blank` empty ones to fill in."""
    formset_class = forms.modelformset_factory(
        OutcomeIndicator,
        form=IndicatorForm,
        formset=type(
            "IndicatorFormSet",
            (BaseIndicatorFormSet,),
            {"what": "outcome indicators", "hint": f"Up to {MAX_INDICATORS} indicators."},
        ),
        extra=blank,
        can_delete=True,
        max_num=MAX_INDICATORS,
        validate_max=True,
    )
    return formset_class(data, queryset=queryset, prefix="ind", rows=rows)
