from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts import permissions as perms
from programmes.models import Area, Round
from programmes.permissions import areas_visible_to


class AreaReportForm(forms.Form):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        to_field_name="reference",
        label="Area",
        empty_label="Choose an area",
        help_text="A PDF of the area, its organisations, stage history, grants and support.",
        error_messages={"invalid_choice": "There is no area with that reference."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        field.queryset = areas_visible_to(user).order_by("reference")
        if perms.is_programme_staff(user):
            # Staff can see every area (thousands at scale): they type its reference rather than
            # scroll a list. Lead organisation users choose from their own few.
            field.widget = forms.TextInput(attrs={"placeholder": "e.g. R2-041"})
            field.label = "Area reference"
            field.help_text = (
                "A PDF of the area, its organisations, stage history, grants and support. The "
                "area's own page has the same button."
            )
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
