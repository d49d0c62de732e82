"""Single-line text holds no control characters (core/validators.py): the validator itself, the
flattening of text stored before it, and a walk over every model and form of the project so the
next single-line field cannot forget it."""

import importlib
import importlib.util
import sys
import unicodedata

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import get_resolver

from core.validators import (
    CONTROL_CHARACTERS,
    SINGLE_LINE_CODE,
    one_line,
    single_line_problem,
    single_line_text,
)

PROJECT_APPS = (
    "accounts",
    "activity",
    "applications",
    "banking",
    "closure",
    "core",
    "delivery",
    "diligence",
    "earlywarning",
    "grants",
    "messaging",
    "plans",
    "programmes",
    "reports",
    "support",
    "surveys",
)


@pytest.mark.parametrize(
    "text",
    [
        "Eve\r\nBcc: x@example.org",
        "Eve\nBcc: x@example.org",
        "Eve\rBcc",
        "tab\there",
        "nul\x00",
        "escape\x1b[31m",
        "delete\x7f",
        "next line\x85",
        "line\u2028separator",
        "paragraph\u2029separator",
    ],
)
def test_the_validator_refuses_control_characters_with_its_code(text):
    with pytest.raises(ValidationError) as caught:
        single_line_text(text)

    assert caught.value.code == SINGLE_LINE_CODE
    assert "one line" in caught.value.messages[0]


@pytest.mark.parametrize(
    "text",
    ["Eve O'Donnell", "Siân Llŷr-Jones", "Zoë 🙂 Ltd", "a\u00a0non-breaking space", "", "Ōsaka"],
)
def test_the_validator_accepts_ordinary_text(text):
    single_line_text(text)
    assert single_line_problem(text) is None


def test_the_error_names_what_was_found():
    with pytest.raises(ValidationError) as caught:
        single_line_text("Eve\r\nBcc\t:")

    assert "(this has a line break, a tab)" in caught.value.messages[0]


def test_refused_characters_are_exactly_unicode_categories_cc_zl_and_zp():
    for code in range(0x110000):
        ch = chr(code)
        expected = unicodedata.category(ch) in {"Cc", "Zl", "Zp"}
        assert bool(CONTROL_CHARACTERS.fullmatch(ch)) is expected, f"U+{code:04X}"


@pytest.mark.parametrize(
    ("stored", "flat"),
    [
        ("Eve\r\nBcc: x@example.org joined", "Eve Bcc: x@example.org joined"),
        ("Eve \r\n\r\n  Bcc", "Eve Bcc"),
        ("a\tb\u2028c\x00d", "a b c d"),
        ("\r\nleading and trailing\n", "leading and trailing"),
        ("no change here", "no change here"),
    ],
)
def test_one_line_flattens_each_run_of_control_characters_to_one_space(stored, flat):
    assert one_line(stored) == flat
    assert single_line_problem(one_line(stored)) is None


# --- Every single-line field has the validator ------------------------------------------------

# Fields kept to one line by their own pattern, each with a value it accepts: with a line break
# after it, it must be refused ("$" would match before the final line break; "\Z" does not).
PATTERN_FIELDS = {
    "banking.BankAccount.sort_code": "123456",
    "banking.BankAccount.account_number": "12345678",
    "programmes.Area.reference": "R1-001",
    "programmes.Organisation.charity_number": "1234567",
    "programmes.Organisation.company_number": "01234567",
    "programmes.Organisation.org_identifier": "GB-CHC-1234567",
    "programmes.Organisation.postcode": "M1 1AE",
}

# Model CharFields that hold no typed text, each with why. Fields with choices are left out (only
# their choices are accepted), and so are EmailField, URLField and SlugField, whose own validators
# accept no control character.
MODEL_EXCEPTIONS = {
    "accounts.User.password": "a password hash, never typed into this field",
    "accounts.User.username": "UnicodeUsernameValidator accepts only letters, digits and @.+-_",
    "core.OutboxMessage.task": "a task's dotted name, written by code",
    "core.OutboxMessage.description": "written by code from ids and verbs",
    "core.OutboxMessage.last_error": "an exception's text, which may span lines",
    "core.OutboxMessage.task_id": "Celery's id, written by code",
    "core.Heartbeat.name": "a process kind (worker, beat), written by code",
    "activity.ActivityEntry.verb": "a machine name written by code",
    "activity.ActivityEntry.summary": (
        "written by services from validated fields, never typed; entries are append-only, so "
        "those from before the validator stay as they were and email subjects flatten them"
    ),
    "activity.ActivityEntry.target_type": "an app label and model name, written by code",
    "activity.ActivityEntry.target_id": "a primary key, written by code",
    "activity.ActivityEntry.previous_hash": "a hash",
    "activity.ActivityEntry.content_hash": "a hash",
    "activity.ActivityChain.key": "a chain key written by code",
    "activity.ActivityChain.head_hash": "a hash",
    "activity.Notification.url": "a path from reverse()",
    "activity.Notification.kind": "a kind from activity/kinds.py, written by code",
    "grants.GrantOffer.terms_sha256": "a hash",
    "grants.GrantOffer.accepted_terms_sha256": "a hash",
    "plans.SectionComment.section": "a section key from the plan's definition, written by code",
    "reports.ReportJob.progress_message": "written by the worker",
    "reports.ReportJob.task_id": "Celery's id",
    "reports.ReportJob.claim_token": "a random token",
    "reports.ImportJob.progress_message": "written by the worker",
    "reports.ImportJob.task_id": "Celery's id",
    "reports.ImportJob.claim_token": "a random token",
    "reports.ExportJob.progress_message": "written by the worker",
    "reports.ExportJob.task_id": "Celery's id",
    "reports.ExportJob.claim_token": "a random token",
    "reports.ExportJob.export": "a name from reports.exports.jobs.EXPORTS, never typed",
    "reports.ExportJob.params": "a query string, urlencoded (no control characters survive it)",
    "surveys.Invitation.nonce": "a random token",
    **dict.fromkeys(PATTERN_FIELDS, "its pattern, anchored with \\Z, admits no control character"),
}

# Form CharFields shown as a one-line text box that need no validator, each with why.
FORM_EXCEPTIONS = {
    "accounts.forms.CodeForm.code": "a one-time code, compared and never stored",
    "accounts.forms.SetupCodeForm.code": "a one-time code, compared and never stored",
    "accounts.forms.UnlockForm.username": "looked up to unlock sign-in, never stored",
    "accounts.forms.UnlockForm.ip_address": "looked up to unlock sign-in, never stored",
}


def field_label(field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            yield model


def _needs_validator(field) -> bool:
    return (
        isinstance(field, models.CharField)
        and field.concrete
        and not field.choices
        and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
    )


def test_every_single_line_model_field_refuses_control_characters():
    missing, stale = [], []
    for model in _project_models():
        for field in model._meta.get_fields():
            if not _needs_validator(field):
                continue
            name = f"{model._meta.label}.{field.name}"
            if name in MODEL_EXCEPTIONS:
                if single_line_text in field.validators:
                    stale.append(name)
            elif single_line_text not in field.validators:
                missing.append(name)
    assert missing == [], "add validators=[single_line_text] (core.validators), or an exception"
    assert stale == [], "these have the validator: take them off MODEL_EXCEPTIONS"
    unknown = set(MODEL_EXCEPTIONS) - {
        f"{m._meta.label}.{f.name}" for m in _project_models() for f in m._meta.get_fields()
    }
    assert unknown == set(), "MODEL_EXCEPTIONS names fields that no longer exist"


@pytest.mark.parametrize(("label", "good"), PATTERN_FIELDS.items())
def test_fields_kept_single_line_by_their_pattern_refuse_a_final_line_break(label, good):
    app_label, model_name, field_name = label.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    field.run_validators(good)
    for bad in (good + "\n", good + "\r\n", good + "\t", "\n" + good):
        with pytest.raises(ValidationError):
            field.run_validators(bad)


def _project_form_classes():
    # The URLconf imports every view, and so every form the site shows.
    get_resolver().url_patterns  # noqa: B018
    for app in PROJECT_APPS:
        for module in ("forms", "views"):
            if importlib.util.find_spec(f"{app}.{module}") is not None:
                importlib.import_module(f"{app}.{module}")
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (c for c in seen if c.__module__.split(".")[0] in PROJECT_APPS),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _checked_by_model(form_class, name) -> bool:
    """A ModelForm's field validates through its model field (full_clean in _post_clean)."""
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return single_line_text in field.validators or field_label(field) in PATTERN_FIELDS


def test_every_one_line_text_box_on_a_form_refuses_control_characters():
    classes = _project_form_classes()
    assert len(classes) > 30, "the walk found too few forms to be trusted"
    missing, seen = [], set()
    for form_class in classes:
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField) or not isinstance(
                field.widget, forms.TextInput
            ):
                continue
            if isinstance(field, forms.EmailField | forms.URLField | forms.SlugField):
                continue
            key = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
            seen.add(key)
            if key in FORM_EXCEPTIONS:
                continue
            if single_line_text in field.validators or _checked_by_model(form_class, name):
                continue
            missing.append(key)
    assert missing == [], "add validators=[single_line_text] (core.validators), or an exception"
    assert set(FORM_EXCEPTIONS) <= seen, "FORM_EXCEPTIONS names fields that no longer exist"


def test_the_walk_covers_every_project_app():
    # The project's apps live under BASE_DIR; installed packages do too when the virtualenv is
    # the project's own .venv, so those (under sys.prefix) are not ours.
    ours = {
        a.label
        for a in apps.get_app_configs()
        if a.path.startswith(str(settings.BASE_DIR)) and not a.path.startswith(sys.prefix)
    }
    assert set(PROJECT_APPS) == ours - {"demo"}


# --- Where text comes in: a model form, a service without full_clean ---------------------------


@pytest.mark.django_db
def test_a_model_form_shows_the_refusal_next_to_the_field():
    from programmes.forms import OrganisationForm

    form = OrganisationForm(
        data={
            "name": "Chapeltown Trust",
            "org_type": "vcs",
            "address_line1": "1 High Street\r\nBcc: x@example.org",
            "town": "Leeds\tWest",
            "description": "Two lines\nare fine in a description.",
        }
    )

    assert not form.is_valid()
    assert sorted(form.errors) == ["address_line1", "town"]
    assert form.errors.as_data()["address_line1"][0].code == SINGLE_LINE_CODE
    assert "(this has a tab)" in form.errors["town"][0]


def test_require_single_line_names_each_field_with_the_code():
    from core.validators import require_single_line

    require_single_line(reference="BACS-2024-11", name="Siân")
    with pytest.raises(ValidationError) as caught:
        require_single_line(reference="BACS\n1", name="ok", role="a\u2029b")

    assert sorted(caught.value.error_dict) == ["reference", "role"]
    assert caught.value.error_dict["role"][0].code == SINGLE_LINE_CODE


@pytest.mark.django_db
def test_a_service_refuses_it_whoever_calls_it(finance_officer):
    """payment_pay writes the reference without full_clean: the service itself refuses."""
    from grants.models import Payment
    from grants.services import payment_pay
    from grants.tests.factories import PaymentFactory

    payment = PaymentFactory(approved=True)

    with pytest.raises(ValidationError) as caught:
        payment_pay(payment=payment, actor=finance_officer, reference="BACS-1\r\nBcc: x")

    assert caught.value.error_dict["reference"][0].code == SINGLE_LINE_CODE
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.APPROVED
