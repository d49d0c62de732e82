from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

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
