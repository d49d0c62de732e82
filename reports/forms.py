from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from accounts import permissions as perms
from accounts.permissions import areas_visible_to
from programmes.models import Area, Round


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


MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CRM export (CSV)",
        help_text="UTF-8 CSV with a header row and the columns listed below; at most 10 MB.",
    )
    round_slug = forms.SlugField(
        label="Round",
        max_length=50,
        help_text="The round's short name (e.g. pilot). A round that does not exist yet is "
        "created with the programme's standard stages.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round_slug"].widget.attrs["list"] = "round-slugs"
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("import", "Import", css_class="btn-op"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file (save the spreadsheet as CSV UTF-8).")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 10 MB."
            )
        return upload
