from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import slugify

from core.uploads import check_upload
from core.validators import single_line_text

MAX_IMPORT_BYTES = 10 * 1024 * 1024
# The list starts on no choice: it used to start on "A new round", so an import whose person did
# not look at the list was one typed name away from creating a round (issue 25). "+" is never in
# a round's slug.
NO_CHOICE = ""
NEW_ROUND = "+new"


class ImportForm(forms.Form):
    """A CRM export and the round it goes into: a round from the list, or a new one named in
    words (its short name, the slug, is made from the name)."""

    file = forms.FileField(
        label="CRM export (CSV)",
        help_text="UTF-8 CSV with a header row and the columns listed on this page; at most 10 MB.",
    )
    round = forms.ChoiceField(label="Round", required=False)
    new_round = forms.CharField(
        label="New round's name",
        max_length=100,
        required=False,
        help_text="Only for a round not in the list, e.g. “Round 3”: it is created with the "
        "programme's standard stages, and its short name (round-3) is made for you.",
        validators=[single_line_text],
    )

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = dict(rounds)
        self.fields["round"].choices = [
            (NO_CHOICE, "Choose the round to import into"),
            *[(slug, f"{name} ({slug})") for slug, name in rounds],
            (NEW_ROUND, "A new round (name it below)"),
        ]
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
        # The one upload check every file field uses: by content, not by name (UTF-8 text, not
        # HTML or a binary renamed .csv).
        check_upload(upload, allowed=("csv",), max_bytes=MAX_IMPORT_BYTES)
        return upload

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("round") or NO_CHOICE
        name = (cleaned.get("new_round") or "").strip()
        if chosen == NO_CHOICE and not name:
            self.add_error(
                "round",
                "Choose the round to import into, or choose “A new round” and name it.",
            )
            return cleaned
        if chosen == NEW_ROUND and not name:
            self.add_error("new_round", "Name the new round, e.g. Round 3.")
            return cleaned
        if chosen not in (NO_CHOICE, NEW_ROUND):
            if name:
                self.add_error(
                    "new_round",
                    "Leave this empty when you choose a round from the list (or choose "
                    "“A new round”).",
                )
            cleaned["round_slug"] = chosen
            return cleaned
        # A new round: chosen as such, or named here (typing a name is a choice in itself).
        slug = slugify(name)[:50].strip("-")
        if not slug:
            self.add_error(
                "new_round",
                f"“{name}” has no letters or digits to make the round's short name from; "
                "use a name such as Round 3.",
            )
        elif slug in self.rounds:
            self.add_error(
                "new_round",
                f"There is already a round with the short name {slug} "
                f"({self.rounds[slug]}): choose it from the list.",
            )
        cleaned["round_slug"] = slug
        return cleaned
