"""How much a person may type, and which dates must lie ahead: the bounds every form takes from one
place.

Free text. Every field a person types into has a most-characters limit, refused by the form
("Ensure this value has at most 5000 characters (it has 180000).", next to the field) and shown
in the browser: a field with a ``maxlength`` attribute gets a counter under it from
static/js/ourplace.js, so a form only sets ``max_length``. Before this a 180 KB contact note was
accepted and made the area's support page 29,042 px tall. The limits live on the forms, not the
models: Django does not enforce ``max_length`` on a TextField in the database, and a validator on
every model field would be a migration per field for no extra safety (the importer and the views
go through the forms; plans' write services check plans/bounds.py as well).
core/tests/test_text_bounds.py fails for any form with a textarea and no limit.

- A declared field: ``forms.CharField(max_length=NOTE_CHARS, widget=TextBox(...))``.
- A ModelForm's generated field: ``@limit_texts(notes=NOTE_CHARS)`` on the class.

The box is ``TextBox``, a Textarea that takes a line break as one character ("\n"), as the
browser's ``maxlength`` and the counter count it: browsers send each line break as "\r\n", so a
note typed up to the limit with its paragraphs would otherwise be refused for the line breaks.

Dates ahead. Where a person schedules something (a follow-up due, an adviser day booked, a
deadline, a payment to come), a past date is refused next to the field: the form takes
``DatesAhead`` and names the fields in ``dates_ahead``. The day is London's
(timezone.localdate). A date the record already holds may stay as it is (changing a booking's
adviser must not fail because its day has passed); only a date typed or changed is judged.
Records of what happened (contact dates, payments made, imported history, the demo's past) take
past dates and do not use it; nor do the services, which the importer and the demo loader call.
"""

import datetime
import functools

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

# A note, comment, description or message: a few paragraphs.
NOTE_CHARS = 5_000
# A reason for a decision, a refusal or a change: a paragraph or two.
REASON_CHARS = 1_000
# A long answer in an application or a return: several paragraphs. (Plan sections have their own,
# larger bound in plans/bounds.py, which the plan editor shows.)
ANSWER_CHARS = 10_000

FUTURE_CODE = "date_in_past"


class TextBox(forms.Textarea):
    """A Textarea whose text arrives with "\n" line breaks (see the module's docstring)."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value


def limit_text(field: forms.Field, limit: int) -> forms.Field:
    """Bound one form field at `limit` characters, as ``CharField(max_length=limit)`` would: the
    validator, and the ``maxlength`` attribute the browser's counter reads."""
    field.max_length = limit
    if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)
    return field


def limit_texts(**limits: int):
    """Class decorator for a ModelForm: bound the text fields it generates from the model, by
    name (``@limit_texts(notes=NOTE_CHARS)``). On the class's fields, so every instance and any
    test that reads the class sees the limit; and again on each instance's fields, because a
    formset's factory makes a subclass whose fields are generated afresh from the model."""

    def decorate(form_class):
        for name, limit in limits.items():
            limit_text(form_class.base_fields[name], limit)
        form_init = form_class.__init__

        @functools.wraps(form_init)
        def __init__(self, *args, **kwargs):
            form_init(self, *args, **kwargs)
            for name, limit in limits.items():
                if name in self.fields:
                    limit_text(self.fields[name], limit)

        form_class.__init__ = __init__
        return form_class

    return decorate


def require_within(limit: int, **fields: str) -> None:
    """Refuse, naming each field, any of `fields` longer than `limit` characters (surrounding
    spaces aside), in the forms' own words: for services that take free text straight from a
    request, a task or a command, so it is refused rather than stored or cut short."""
    errors = {}
    for name, value in fields.items():
        length = len((value or "").strip())
        if length > limit:
            errors[name] = ValidationError(
                "Ensure this value has at most %(limit)d characters (it has %(length)d).",
                code="max_length",
                params={"limit": limit, "length": length},
            )
    if errors:
        raise ValidationError(errors)


def today_or_later(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a day before today in London: for dates a person sets for something ahead."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    today = timezone.localdate()
    if value < today:
        raise ValidationError(
            "This date must be today or later (today is %(today)s).",
            code=FUTURE_CODE,
            params={"today": f"{today:%-d %B %Y}"},
        )


class DatesAhead:
    """Form mixin: each field named in ``dates_ahead`` must be today or later in London, when
    the person typed or changed it (a date the form was given as initial may stay)."""

    dates_ahead: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for name in self.dates_ahead:
            if name not in self.changed_data:
                continue
            try:
                today_or_later(self.cleaned_data.get(name))
            except ValidationError as error:
                self.add_error(name, error)
        return data
