"""Every textarea in the project has a character limit (core/text.py).

Two walks, so the next field added without a limit fails here:

- every Form and ModelForm class in the apps' modules: each field drawn as a textarea has
  ``max_length`` and the ``maxlength`` attribute the browser's counter reads;
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
from core.text import limit_texts

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
        note = forms.CharField(widget=forms.Textarea)

    @limit_texts(note=10)
    class Bounded(forms.Form):
        note = forms.CharField(widget=forms.Textarea)

    assert _unbounded(Unbounded) == ["note: no max_length"]
    assert _unbounded(Bounded) == []


def _is_textarea(node: ast.AST) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Attribute) and target.attr == "Textarea") or (
        isinstance(target, ast.Name) and target.id == "Textarea"
    )


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
