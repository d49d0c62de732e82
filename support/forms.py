from crispy_forms.layout import Column, Fieldset, Row
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from core.forms import DateInput, inline_form_helper
from core.text import NOTE_CHARS, REASON_CHARS, DatesAhead, TextBox
from core.validators import single_line_text
from programmes.models import Area, AreaStatus, Round

from .models import Adviser, ContactKind, EventKind, RiskLevel

_helper = inline_form_helper


class ContactForm(forms.Form):
    date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    kind = forms.ChoiceField(label="Type of contact", choices=ContactKind.choices)
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", required=False, min_value=1, max_value=24 * 60
    )
    participants = forms.CharField(
        required=False,
        max_length=300,
        help_text="Who from the area took part.",
        validators=[single_line_text],
    )
    notes = forms.CharField(
        max_length=NOTE_CHARS, required=False, widget=TextBox(attrs={"rows": 4})
    )
    risk_level = forms.ChoiceField(
        label="Risk", choices=RiskLevel.choices, initial=RiskLevel.NONE, widget=forms.RadioSelect
    )
    risk_description = forms.CharField(
        max_length=REASON_CHARS,
        label="What is the risk?",
        required=False,
        widget=TextBox(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                "The contact",
                Row(Column("date"), Column("kind"), Column("duration_minutes")),
                "participants",
                "notes",
            ),
            Fieldset("Risk flag", "risk_level", "risk_description"),
        )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The contact date cannot be in the future.")
        return value

    def clean(self):
        data = super().clean()
        level = data.get("risk_level")
        if level and level != RiskLevel.NONE and not (data.get("risk_description") or "").strip():
            self.add_error("risk_description", "Describe the risk you are flagging.")
        return data


def _followup_owners():
    return User.objects.filter(
        is_active=True,
        role__in=[Role.RELATIONSHIP_MANAGER, Role.PROGRAMME_MANAGER, Role.ADMIN],
    ).order_by("first_name", "last_name")


class FollowUpForm(DatesAhead, forms.Form):
    dates_ahead = ("due_on",)

    action = forms.CharField(required=False, max_length=300, validators=[single_line_text])
    due_on = forms.DateField(label="Due", required=False, widget=DateInput())
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Me")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = _followup_owners()
        if user is not None:
            # "Me" is the person logging the contact: not listed a second time by name.
            owners = owners.exclude(pk=user.pk)
        self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if (
            (data.get("action") or "").strip()
            and not data.get("due_on")
            and "due_on" not in self.errors
        ):
            self.add_error("due_on", "Give the action a due date.")
        if data.get("due_on") and not (data.get("action") or "").strip():
            self.add_error("action", "Say what needs doing.")
        return data


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=10)


class BookingForm(DatesAhead, forms.Form):
    dates_ahead = ("date",)

    adviser = forms.ModelChoiceField(
        queryset=Adviser.objects.none(),
        help_text="From the list programme managers keep.",
    )
    date = forms.DateField(widget=DateInput())
    days = forms.DecimalField(
        max_digits=3, decimal_places=1, min_value=0.5, max_value=5, help_text="In half days."
    )
    description = forms.CharField(
        max_length=NOTE_CHARS,
        label="What the adviser will do",
        required=False,
        widget=TextBox(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active advisers, and the booking's own adviser when changing one who has since left.
        current = kwargs.get("initial", {}).get("adviser")
        self.fields["adviser"].queryset = Adviser.objects.filter(
            Q(active=True) | Q(pk=getattr(current, "pk", current))
        ).order_by("name")
        self.helper = _helper(Row(Column("adviser"), Column("date"), Column("days")), "description")


class AdviserForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[single_line_text])
    organisation = forms.CharField(max_length=200, required=False, validators=[single_line_text])
    email = forms.EmailField(required=False)
    active = forms.BooleanField(
        required=False, initial=True, help_text="Only active advisers can be booked."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Row(Column("name"), Column("organisation"), Column("email")), "active"
        )


class RaiseForm(forms.Form):
    raise_days = forms.DecimalField(
        label="Days to add", max_digits=4, decimal_places=1, min_value=0.5, max_value=20
    )
    reason = forms.CharField(
        max_length=300,
        help_text="For example: extra consultancy days for the CBA.",
        validators=[single_line_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("raise_days"), Column("reason")))


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label="New relationship manager", queryset=User.objects.none())
    started_on = forms.DateField(label="From", initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            role=Role.RELATIONSHIP_MANAGER, is_active=True
        ).order_by("first_name", "last_name")
        self.helper = _helper(Row(Column("user"), Column("started_on")))


class EventForm(DatesAhead, forms.Form):
    dates_ahead = ("starts_at",)

    title = forms.CharField(max_length=200, validators=[single_line_text])
    kind = forms.ChoiceField(label="Type", choices=EventKind.choices)
    round = forms.ModelChoiceField(
        queryset=Round.objects.all(), required=False, empty_label="Every round"
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(
        label="Location or online link",
        max_length=300,
        required=False,
        validators=[single_line_text],
    )
    description = forms.CharField(
        max_length=NOTE_CHARS, required=False, widget=TextBox(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title",
            Row(Column("kind"), Column("round"), Column("starts_at")),
            "location",
            "description",
        )


class InviteForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        label="Areas to invite",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whole_round = forms.BooleanField(
        label="Invite every active area in the chosen round", required=False
    )

    def __init__(self, *args, round=None, event=None, local_authority="", **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        qs = Area.objects.filter(status=AreaStatus.ACTIVE).order_by("reference")
        if round is not None:
            qs = qs.filter(round=round)
        if local_authority:
            # A regional hub invites the areas of a few districts, not the whole programme.
            qs = qs.filter(local_authority=local_authority)
            self.fields[
                "whole_round"
            ].label = f"Invite every active area in the chosen round in {local_authority}"
        if event is not None:
            qs = qs.filter(~Q(event_invitations__event=event))
        self.fields["areas"].queryset = qs
        self.fields["areas"].label_from_instance = lambda a: f"{a.reference} {a.name}"
        if round is None:
            del self.fields["whole_round"]

    def clean(self):
        data = super().clean()
        if not data.get("areas") and not data.get("whole_round"):
            raise forms.ValidationError("Choose at least one area to invite.")
        return data

    def chosen_areas(self):
        if self.cleaned_data.get("whole_round"):
            return list(self.fields["areas"].queryset)
        return list(self.cleaned_data["areas"])


ATTENDED_CHOICES = [("", "Not recorded"), ("yes", "Attended"), ("no", "Did not attend")]


class AttendanceForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    attended = forms.ChoiceField(choices=ATTENDED_CHOICES, required=False)
    attendee_names = forms.CharField(
        label="Who came", max_length=300, required=False, validators=[single_line_text]
    )

    def clean(self):
        data = super().clean()
        if data.get("attended") == "no" and (data.get("attendee_names") or "").strip():
            self.add_error(
                "attendee_names", "Leave the names blank for an area that did not attend."
            )
        return data

    def attended_value(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("attended"))


AttendanceFormSet = forms.formset_factory(AttendanceForm, extra=0)
