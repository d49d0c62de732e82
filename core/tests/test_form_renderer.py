"""The site's form renderer writes a <select> in Python: exactly what Django's templates write,
for every shape of select the site has (choices, groups, a chosen value, several chosen, model
choices, yes/no/unknown, attributes true, false and quoted, text that must be escaped)."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.form_renderer import Renderer

CHOICES = [
    ("", "All of them"),
    ("a", "Alpha & <Beta>"),
    ("b", gettext_lazy("Lazy label")),
    (3, 'Quote "this"'),
    ("Group <one>", [("g1", "In a group"), ("g2", mark_safe("<b>safe</b>"))]),
]


class SampleForm(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    chosen = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES)
    flag = forms.NullBooleanField()
    attrs = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"class": "form-select", "data-x": 'a"b', "disabled": True}),
    )
    person = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), empty_label="Anyone")


def _both(form, name):
    field = form[name]
    fast = field.as_widget()
    form.renderer = DjangoTemplates()
    slow = form[name].as_widget()
    form.renderer = Renderer()
    return fast, slow


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plain", "chosen", "many", "flag", "attrs", "person"])
@pytest.mark.parametrize(
    "data",
    [None, {"plain": "a", "chosen": "3", "many": ["a", "g2"], "flag": "false", "attrs": "g1"}],
)
def test_a_select_is_written_as_the_templates_write_it(name, data, programme_manager, lead_user):
    form = SampleForm(data=data, renderer=Renderer())
    if data is not None:
        form.data = {**data, "person": str(lead_user.pk)}

    fast, slow = _both(form, name)

    assert fast == slow
    assert "<option" in fast


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "core.form_renderer.Renderer"


@pytest.mark.django_db
def test_options_with_a_template_of_their_own_go_through_the_templates():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    form = SampleForm(renderer=Renderer())
    form.fields["plain"].widget = Marked(choices=CHOICES)

    fast, slow = _both(form, "plain")

    assert fast == slow
