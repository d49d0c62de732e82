from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.urls import reverse

from core.text import NOTE_CHARS, TextBox, limit_texts
from core.validators import single_line_text

from .models import ORG_ID_SCHEMES, ORG_ID_VALIDATOR, Organisation, Partner, is_internal_identifier


class IdentifierWidget(forms.MultiWidget):
    """The register (a list) and the code in it, side by side."""

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.Select(
                    choices=[("", "None: use the charity or company number"), *ORG_ID_SCHEMES],
                    attrs={"class": "form-select mb-1", "aria-label": "Register"},
                ),
                forms.TextInput(
                    attrs={
                        "placeholder": "the code in that register, e.g. MAN",
                        "aria-label": "Code in that register",
                    }
                ),
            ],
            attrs,
        )

    def decompress(self, value):
        # The programme's own 360G- identifier is a fallback, not something staff typed.
        if is_internal_identifier(value):
            return ["", ""]
        for code, _ in sorted(ORG_ID_SCHEMES, key=lambda s: -len(s[0])):
            if value.startswith(code + "-"):
                return [code, value[len(code) + 1 :]]
        return ["", value]


class IdentifierField(forms.MultiValueField):
    """An official identifier as org-id.guide writes it (GB-LAE-MAN): staff choose the register
    and type the code. Left empty, the model makes one from the charity or company number, or
    the programme's own 360G- identifier when there is neither."""

    widget = IdentifierWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(
            fields=[
                forms.ChoiceField(choices=ORG_ID_SCHEMES, required=False),
                forms.CharField(required=False, max_length=50),
            ],
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def compress(self, data_list):
        scheme, code = (data_list + ["", ""])[:2]
        code = (code or "").strip().replace(" ", "")
        if not scheme and not code:
            return None
        if not scheme:
            raise forms.ValidationError("Choose the register the code comes from.")
        if not code:
            raise forms.ValidationError("Type the organisation's code in that register.")
        if code.upper().startswith(scheme + "-"):
            code = code[len(scheme) + 1 :]
        identifier = f"{scheme}-{code}"
        ORG_ID_VALIDATOR(identifier)
        return identifier


@limit_texts(description=NOTE_CHARS)
class OrganisationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    org_identifier = IdentifierField(
        label="Official identifier",
        help_text="The register and the organisation's code in it: a local authority's register "
        "code (GB-LAE), a parish's ONS code (GB-PLA), an NHS body's ODS code (GB-NHS). Used in "
        "360Giving exports. Left empty, it comes from the charity or company number.",
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "org_type",
            "charity_number",
            "company_number",
            "org_identifier",
            "address_line1",
            "address_line2",
            "town",
            "postcode",
            "website",
            "email",
            "phone",
            "description",
        ]
        widgets = {"description": TextBox(attrs={"rows": 3})}

    def __init__(self, *args, can_change_type=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_type:
            # A lead organisation cannot reclassify itself: the type drives eligibility and reports.
            self.fields["org_type"].disabled = True
            # Its official identifier is checked by staff against the register it names.
            self.fields["org_identifier"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Organisation", "name", "org_type", "description"),
            Fieldset(
                "Registration",
                Row(Column("charity_number"), Column("company_number")),
                "org_identifier",
            ),
            Fieldset(
                "Contact details",
                "address_line1",
                "address_line2",
                Row(Column("town"), Column("postcode")),
                Row(Column("website"), Column("email"), Column("phone")),
            ),
        )


@limit_texts(notes=NOTE_CHARS)
class PartnerForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        empty_label="Choose an organisation",
        help_text="Choose an organisation already known to the programme, or name a new one below.",
    )
    new_organisation_name = forms.CharField(
        label="Or a new organisation's name", required=False, validators=[single_line_text]
    )
    new_organisation_type = forms.ChoiceField(
        label="New organisation's type",
        choices=[("", "Choose a type")] + list(Organisation._meta.get_field("org_type").choices),
        required=False,
    )

    class Meta:
        model = Partner
        fields = [
            "organisation",
            "partner_type",
            "involvement",
            "agreement_signed_on",
            "contact_name",
            "notes",
        ]
        widgets = {
            "agreement_signed_on": forms.DateInput(attrs={"type": "date"}),
            "notes": TextBox(attrs={"rows": 3}),
        }

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        # Any organisation but the lead is valid; only a short list is shown (the programme may
        # know thousands): those working in the area's local authority, and the search box
        # (htmx) replaces the options with names that match.
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.exclude(pk=area.lead_organisation_id)
        from .selectors import partner_candidates

        selected = self.data.get(self.add_prefix("organisation")) or self.initial.get(
            "organisation"
        )
        try:
            selected = int(selected) if selected else None
        except (TypeError, ValueError):
            selected = None
        field.widget.choices = [("", field.empty_label)] + [
            (o.pk, o.name) for o in partner_candidates(area, selected=selected)
        ]
        field.widget.attrs["aria-describedby"] = "organisation-search-help"
        if self.instance.pk:
            for name in ("organisation", "new_organisation_name", "new_organisation_type"):
                self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        search_url = reverse("programmes:partner_options", args=[area.reference])
        self.helper.layout = Layout(
            HTML(
                '<div class="mb-2"><label class="form-label" for="organisation-search">'
                "Find an organisation</label>"
                '<input type="search" class="form-control" id="organisation-search" name="q" '
                'autocomplete="off" placeholder="Type part of a name" '
                f'hx-get="{search_url}" hx-trigger="input changed delay:300ms, search" '
                'hx-target="#id_organisation" hx-swap="innerHTML">'
                '<div class="form-text" id="organisation-search-help">The list shows '
                "organisations already working in the area's local authority; type to search "
                "every organisation the programme knows.</div></div>"
            ),
            "organisation",
            Row(Column("new_organisation_name"), Column("new_organisation_type")),
            Row(Column("partner_type"), Column("involvement")),
            Row(Column("agreement_signed_on"), Column("contact_name")),
            "notes",
        )

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        org = data.get("organisation")
        new_name = (data.get("new_organisation_name") or "").strip()
        if org and new_name:
            self.add_error(
                "new_organisation_name",
                "Choose an existing organisation or name a new one, not both.",
            )
        elif not org and not new_name:
            self.add_error("organisation", "Choose an organisation or name a new one.")
        elif new_name and not data.get("new_organisation_type"):
            self.add_error("new_organisation_type", "Say what type of organisation this is.")
        elif org and Partner.objects.filter(area=self.area, organisation=org).exists():
            self.add_error("organisation", "This organisation is already a partner of the area.")
        return data

    def _get_validation_exclusions(self):
        # The organisation may be new (the partner service creates it before saving), so the
        # model's own "required" check on it is replaced by the checks in clean() above.
        exclude = super()._get_validation_exclusions()
        exclude.add("organisation")
        return exclude


class SubmitHelper(FormHelper):
    def __init__(self, label="Save"):
        super().__init__()
        self.add_input(Submit("submit", label, css_class="btn-op"))
