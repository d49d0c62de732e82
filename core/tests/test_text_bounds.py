"""Every textarea in the project has a character limit (core/text.py).

Two walks, so the next field added without a limit fails here:

- every Form and ModelForm class in the apps' modules: each field drawn as a textarea is a
  ``TextBox`` and has ``max_length`` and the ``maxlength`` attribute the browser's counter reads;
- the source, for the fields forms build inside ``__init__`` (one per question, one per line),
  which no class lists: each ``CharField(...)`` call with a Textarea widget passes ``max_length``.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from django import forms

from core.tests.test_architecture import APPS, ROOT
from core.text import TextBox, limit_texts

SKIPPED_PARTS = {"tests", "migrations", "management"}


def _modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if SKIPPED_PARTS & set(info.name.split(".")):
                continue
            yield importlib.import_module(info.name)


def _form_classes():
    seen = {}
    for module in _modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__.split(".")[0] in APPS
                and value.__module__ == module.__name__
            ):
                seen[f"{value.__module__}.{value.__qualname__}"] = value
    return seen


def _unbounded(form_class):
    problems = []
    for name, field in form_class.base_fields.items():
        if not isinstance(field.widget, forms.Textarea):
            continue
        if not isinstance(field.widget, TextBox):
            problems.append(
                f"{name}: a Textarea, not core.text.TextBox (line breaks counted twice)"
            )
        if not getattr(field, "max_length", None):
            problems.append(f"{name}: no max_length")
        elif field.widget.attrs.get("maxlength") != str(field.max_length):
            problems.append(f"{name}: no maxlength attribute for the counter")
    return problems


def test_every_textarea_in_every_form_class_has_a_limit():
    classes = _form_classes()
    # The walk finds the forms (a walk that found none could not fail).
    assert "support.forms.ContactForm" in classes
    assert "plans.forms.StrategyForm" in classes
    problems = [
        f"{path}.{problem}"
        for path, form_class in sorted(classes.items())
        for problem in _unbounded(form_class)
    ]
    assert problems == [], "Give these a limit from core/text.py:\n" + "\n".join(problems)


def test_the_walk_catches_a_textarea_without_a_limit():
    class Unbounded(forms.Form):
        note = forms.CharField(widget=TextBox)

    class PlainTextarea(forms.Form):
        note = forms.CharField(max_length=10, widget=forms.Textarea)

    @limit_texts(note=10)
    class Bounded(forms.Form):
        note = forms.CharField(widget=TextBox)

    assert _unbounded(Unbounded) == ["note: no max_length"]
    assert _unbounded(PlainTextarea) == [
        "note: a Textarea, not core.text.TextBox (line breaks counted twice)"
    ]
    assert _unbounded(Bounded) == []


def test_a_line_break_counts_once_as_in_the_browser():
    """Browsers send "\r\n" for each line break but count it as one against maxlength."""

    class Note(forms.Form):
        note = forms.CharField(max_length=11, widget=TextBox)

    form = Note({"note": "one\r\ntwo\r\nsix"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "one\ntwo\nsix"
    assert not Note({"note": "one\r\ntwo\r\nsixty"}).is_valid()


def _is_textarea(node: ast.AST) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = getattr(target, "attr", getattr(target, "id", ""))
    return name in {"Textarea", "TextBox"}


def _char_fields_without_limit(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name != "CharField":
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        widget = keywords.get("widget")
        if widget is not None and _is_textarea(widget) and "max_length" not in keywords:
            lines.append(node.lineno)
    return lines


def test_every_textarea_char_field_in_the_source_has_a_limit():
    problems = []
    for app in APPS:
        for path in sorted(Path(ROOT, app).rglob("*.py")):
            if SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                continue
            for line in _char_fields_without_limit(path.read_text()):
                problems.append(f"{path.relative_to(ROOT)}:{line}")
    assert problems == [], "CharField with a Textarea and no max_length:\n" + "\n".join(problems)


def test_the_source_walk_catches_a_char_field_without_a_limit():
    source = (
        "a = forms.CharField(widget=forms.Textarea(attrs={'rows': 2}))\n"
        "b = forms.CharField(max_length=5, widget=forms.Textarea)\n"
    )
    assert _char_fields_without_limit(source) == [1]


def test_a_formset_of_a_bounded_form_keeps_the_limits():
    """A model formset's factory makes a subclass whose fields come afresh from the model."""
    from plans import bounds
    from plans.forms import LogicModelFormSet

    field = LogicModelFormSet.form().fields["inputs"]
    assert field.max_length == bounds.MAX_CELL_CHARS
    assert field.widget.attrs["maxlength"] == str(bounds.MAX_CELL_CHARS)
    assert not LogicModelFormSet.form({"inputs": "x" * (bounds.MAX_CELL_CHARS + 1)}).is_valid()
