from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts.permissions import areas_visible_to
from programmes.models import Area, Round


class AreaReportForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Area",
        empty_label="Choose an area",
        help_text="A PDF of the area, its organisations, stage history, grants and support.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_visible_to(user).order_by("reference")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("area_report", "Request area report", css_class="btn-op"))


class ProgrammeReportForm(forms.Form):
    round = forms.ModelChoiceField(
        queryset=Round.objects.select_related("programme").order_by("-starts_on"),
        label="Round",
        empty_label="Choose a round",
        help_text="A PDF of where the round's areas are, by stage and lead organisation type.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(
            Submit("programme_report", "Request programme report", css_class="btn-op")
        )
