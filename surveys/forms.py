"""The answer form, built from the survey's questions (one field per question, or per question and
item), and the staff forms: create a standard survey, its settings, invite a partner."""

from django import forms
from django.core.exceptions import ValidationError

from core.text import DatesAhead, TextBox
from core.validators import single_line_text
from programmes.models import Round

from .models import OpeningRule, QuestionKind, Survey


def field_name(question, item) -> str:
    return f"q{question.pk}" + (f"_{item.pk}" if item else "")


def _field(question, item):
    label = item.label if item else question.text
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(label=label, required=False, decimal_places=2, max_digits=14)
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(
            label=label, required=False, max_length=5000, widget=TextBox(attrs={"rows": 3})
        )
    choices = [(c.pk, c.label) for c in question.choice_set.choices.all()]
    if question.kind == QuestionKind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            label=label,
            required=False,
            choices=choices,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=choices,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    """Every question's fields; `groups` lists them by question for the template, with the data
    attributes that show a follow-up only when a triggering answer is chosen (static JS), and
    `values()` gives the service its (question id, item id) -> value map."""

    def __init__(self, *args, questions, response=None, **kwargs):
        self.questions = questions
        super().__init__(*args, initial=self._initial(response), **kwargs)
        self.groups = []
        for q in questions:
            items = list(q.item_list.items.all()) if q.item_list_id else [None]
            rows = []
            for item in items:
                name = field_name(q, item)
                self.fields[name] = _field(q, item)
                rows.append(
                    {
                        "field": name,
                        "parent": field_name(q.follow_up_of, item) if q.follow_up_of_id else "",
                    }
                )
            triggers = ",".join(str(c.pk) for c in q.shown_when.all())
            self.groups.append({"question": q, "rows": rows, "triggers": triggers})

    @staticmethod
    def _initial(response) -> dict:
        if response is None:
            return {}
        initial = {}
        for a in response.answers.select_related("question").prefetch_related("choices"):
            name = field_name(a.question, a.item)
            ids = [c.pk for c in a.choices.all()]
            if a.question.kind == QuestionKind.MULTIPLE:
                initial[name] = ids
            elif a.question.has_choices:
                initial[name] = ids[0] if ids else None
            else:
                initial[name] = a.number if a.number is not None else a.text
        return initial

    def bound_groups(self):
        for group in self.groups:
            yield {
                **group,
                "rows": [{**row, "bound": self[row["field"]]} for row in group["rows"]],
            }

    def values(self) -> dict:
        out = {}
        for q in self.questions:
            items = list(q.item_list.items.all()) if q.item_list_id else [None]
            for item in items:
                out[(q.pk, item.pk if item else None)] = self.cleaned_data.get(field_name(q, item))
        return out


class StandardSurveyForm(forms.Form):
    round = forms.ModelChoiceField(queryset=Round.objects.order_by("-starts_on"))
    which = forms.ChoiceField(
        label="Questionnaire",
        choices=[("lead", "Lead organisation survey"), ("partner", "Partner survey")],
    )


class SurveySettingsForm(DatesAhead, forms.ModelForm):
    dates_ahead = ("opens_on", "closes_on")

    reminder_days = forms.CharField(
        label="Reminders (days after the invitation)",
        required=False,
        help_text="Comma-separated, e.g. 7, 14.",
        validators=[single_line_text],
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "opening_rule",
            "opens_on",
            "months_after_sign_off",
            "closes_on",
            "link_valid_days",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "months_after_sign_off": "Months after sign-off",
            "link_valid_days": "Days a personal link works",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.instance.reminders.values_list("days_after_invitation", flat=True)
        self.initial.setdefault("reminder_days", ", ".join(str(d) for d in days))

    def clean_reminder_days(self) -> list[int]:
        raw = [p.strip() for p in self.cleaned_data["reminder_days"].split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) < 366 for p in raw):
            raise ValidationError("Give whole numbers of days between 1 and 365, e.g. 7, 14.")
        return sorted({int(p) for p in raw})

    def clean(self):
        data = super().clean()
        rule = data.get("opening_rule")
        if rule == OpeningRule.DATE and not data.get("opens_on") and "opens_on" not in self.errors:
            self.add_error("opens_on", "Give the date the survey opens.")
        if rule == OpeningRule.AFTER_SIGN_OFF and not data.get("months_after_sign_off"):
            self.add_error("months_after_sign_off", "Give the number of months after sign-off.")
        return data


class PartnerInviteForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(
        label="Contact's name", max_length=150, required=False, validators=[single_line_text]
    )
    email = forms.EmailField(label="Contact's email")

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda p: (
            f"{p.area.reference} {p.area.name}: {p.organisation.name}"
        )
