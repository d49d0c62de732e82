"""Single-line text: names, titles, references, subjects and the like hold one line, with no
control characters.

A line break in a stored name travels: into an activity summary, from there into an email's
Subject header, where Django refuses it (BadHeaderError) or, built by hand elsewhere, a header
injection. So the characters are refused where text comes in (model fields, forms, the import),
and text already stored is flattened where it goes out as one line (`one_line`, for email
subjects). Multi-line text (TextField, Textarea) is not concerned.

What is refused: every character of Unicode category Cc (the C0 controls U+0000 to U+001F, among
them tab, line feed, carriage return and NUL; DEL U+007F; the C1 controls U+0080 to U+009F, among
them NEXT LINE U+0085), and the line and paragraph separators (categories Zl and Zp: U+2028 and
U+2029), which break a line as surely as a line feed. Tabs too: a single-line field has no use
for one, and it is invisible on the page.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Exactly Unicode categories Cc, Zl and Zp (core/tests/test_single_line_text.py checks this
# against unicodedata for every code point).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_RUNS = re.compile("\\s*[\x00-\x1f\x7f-\x9f\u2028\u2029][\x00-\x1f\x7f-\x9f\u2028\u2029\\s]*")

_NAMES = {
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\x85": "a line break",
    "\u2028": "a line break",
    "\u2029": "a paragraph break",
    "\x00": "a NUL character",
}

SINGLE_LINE_CODE = "control_characters"


def control_characters(text: str) -> list[str]:
    """The control characters in `text`, each once, in the order they first appear."""
    return list(dict.fromkeys(CONTROL_CHARACTERS.findall(text or "")))


def describe(characters: list[str]) -> str:
    """The characters as a reader can tell them: "a line break", "a tab", "U+001B"."""
    names = [_NAMES.get(ch, f"U+{ord(ch):04X}") for ch in characters]
    return ", ".join(dict.fromkeys(names))


def single_line_problem(text: str) -> str | None:
    """Why `text` cannot be one line of text, or None when it can: a phrase for callers that
    report problems their own way (the import's "line N, column C: ..." list)."""
    found = control_characters(text)
    if not found:
        return None
    return (
        "must be one line of text, without line breaks, tabs or other control characters "
        f"(this has {describe(found)})."
    )


@deconstructible(path="core.validators.SingleLineTextValidator")
class SingleLineTextValidator:
    """Refuses text holding control characters (see the module's docstring), with the error code
    SINGLE_LINE_CODE. Use the one instance, `single_line_text`, on model and form fields."""

    code = SINGLE_LINE_CODE
    message = (
        "Use one line of text here, without line breaks, tabs or other control characters "
        "(this has %(found)s)."
    )

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = control_characters(value)
        if found:
            raise ValidationError(self.message, code=self.code, params={"found": describe(found)})

    def __eq__(self, other):
        return isinstance(other, SingleLineTextValidator)

    def __hash__(self):
        return hash(SingleLineTextValidator)


single_line_text = SingleLineTextValidator()


def one_line(text: str) -> str:
    """`text` as one line: each run of control characters (with the spaces around it) becomes
    one space. For text that goes out as one line (an email's subject) and may have been stored
    before the validator refused such characters."""
    return _RUNS.sub(" ", text or "").strip()


def require_single_line(**fields: str) -> None:
    """Refuse, naming each field, any of `fields` that holds control characters: for services
    that write single-line fields without `full_clean()` (callers from views, the admin, tasks
    and commands all get the same refusal). ValidationError({field: [...]}), code as above."""
    errors = {}
    for name, value in fields.items():
        try:
            single_line_text(value)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)


# For a model field with no other validator, as `**MONEY` is for money:
# `name = models.CharField(max_length=200, **ONE_LINE)`. Django copies the list into each field.
ONE_LINE = {"validators": [single_line_text]}
