"""Production settings (issue 22): email must leave the building, errors go to ADMINS, and
`check --deploy` warns about sharp edges. Each case imports the settings in a fresh process with
a clean environment, as a deployment would start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
REQUIRED = {
    "SECRET_KEY": "a-real-secret-for-the-test-only-" + "x" * 40,
    "DATABASE_URL": "postgres://ourplace@db.example:5432/ourplace",
    "ALLOWED_HOSTS": "ourplace.example.org",
}
PRINT_EMAIL = (
    "import json, ourplace.settings.production as s; print(json.dumps({k: getattr(s, k, None) for k in "
    "('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', "
    "'EMAIL_USE_TLS', 'ADMINS', 'SERVER_EMAIL', 'DEFAULT_FROM_EMAIL')}))"
)

pytestmark = pytest.mark.skipif(
    (BASE_DIR / ".env").exists(), reason="a .env file would supply the settings"
)


def _run(args, extra_env):
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=90
    )


def _import_production(extra_env):
    return _run(["-c", PRINT_EMAIL], {**REQUIRED, **extra_env})


def test_smtp_url_configures_the_mail_server_admins_and_senders():
    result = _import_production(
        {
            "EMAIL_URL": "smtp+tls://mailer:p%40ss@mail.example.org:587",
            "ADMINS": "Ops Team <ops@example.org>, alerts@example.org",
            "SERVER_EMAIL": "Our Place errors <errors@example.org>",
            "DEFAULT_FROM_EMAIL": "Our Place <hello@example.org>",
        }
    )

    assert result.returncode == 0, result.stderr
    email = json.loads(result.stdout)
    assert email == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "ADMINS": [["Ops Team", "ops@example.org"], ["alerts@example.org", "alerts@example.org"]],
        "SERVER_EMAIL": "Our Place errors <errors@example.org>",
        "DEFAULT_FROM_EMAIL": "Our Place <hello@example.org>",
    }


@pytest.mark.parametrize(
    "email_env",
    [
        {},  # nothing set: the console default
        {"EMAIL_URL": "consolemail://"},
        {"EMAIL_URL": "memorymail://"},
        {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
        {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
    ],
)
def test_production_refuses_mail_that_never_leaves_the_machine(email_env):
    result = _import_production(email_env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_URL must name a mail server in production" in result.stderr


@pytest.mark.parametrize("email_env", [{}, {"EMAIL_URL": "consolemail://"}])
def test_production_starts_on_the_console_when_explicitly_allowed(email_env):
    result = _import_production({**email_env, "EMAIL_ALLOW_CONSOLE": "true"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert json.loads(result.stdout)["ADMINS"] == []


def test_the_laptop_keeps_the_console_without_any_email_setting():
    result = _run(
        ["-c", PRINT_EMAIL.replace("production", "local")],
        {"DJANGO_SETTINGS_MODULE": "ourplace.settings.local"},
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )


PRINT_LOGGING = (
    "import json, sentry_sdk, {module} as s; client = sentry_sdk.get_client(); "
    "print(json.dumps({{'format': s.LOGGING['handlers']['console']['formatter'], "
    "'sentry': client.is_active(), 'pii': client.options.get('send_default_pii')}}))"
)


@pytest.mark.parametrize(
    ("module", "extra", "expected"),
    [
        ("ourplace.settings.production", {}, "json"),
        ("ourplace.settings.production", {"LOG_FORMAT": "text"}, "text"),
        ("ourplace.settings.local", {}, "text"),
        ("ourplace.settings.local", {"LOG_FORMAT": "json"}, "json"),
    ],
)
def test_log_format_is_json_in_production_and_text_on_a_laptop(module, extra, expected):
    result = _run(
        ["-c", PRINT_LOGGING.format(module=module)],
        {**REQUIRED, "EMAIL_URL": "smtp://mail.example:25", **extra},
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"] == expected


def test_sentry_is_initialised_only_with_a_dsn_and_without_personal_data():
    base = {**REQUIRED, "EMAIL_URL": "smtp://mail.example:25"}
    script = ["-c", PRINT_LOGGING.format(module="ourplace.settings.production")]

    without = json.loads(_run(script, base).stdout)
    with_dsn = _run(script, {**base, "SENTRY_DSN": "https://public@sentry.example.org/1"})

    assert without["sentry"] is False
    assert with_dsn.returncode == 0, with_dsn.stderr
    assert json.loads(with_dsn.stdout)["sentry"] is True
    assert json.loads(with_dsn.stdout)["pii"] is False


def test_deploy_check_warns_behind_a_proxy_without_the_axes_proxy_count():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            **REQUIRED,
            "DJANGO_SETTINGS_MODULE": "ourplace.settings.production",
            "EMAIL_URL": "smtp://mail.example:25",
        },
    )

    assert result.returncode != 0
    assert "core.W201" in result.stderr + result.stdout
    assert "AXES_IPWARE_PROXY_COUNT" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("proxy_header", "forwarded_host", "count", "ids"),
    [
        (("HTTP_X_FORWARDED_PROTO", "https"), False, None, ["core.W201"]),
        (None, True, None, ["core.W201"]),
        (("HTTP_X_FORWARDED_PROTO", "https"), False, 1, []),
        (None, False, None, []),  # not behind a proxy: the client's own address is right
    ],
)
def test_axes_proxy_check(settings, proxy_header, forwarded_host, count, ids):
    from core.checks import check_axes_behind_proxy

    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    settings.USE_X_FORWARDED_HOST = forwarded_host
    settings.AXES_IPWARE_PROXY_COUNT = count

    assert [w.id for w in check_axes_behind_proxy(None)] == ids


def test_production_serves_static_files_under_hashed_names():
    printed = _run(
        [
            "-c",
            "import ourplace.settings.production as s; print(s.STORAGES['staticfiles']['BACKEND'])",
        ],
        {**REQUIRED, "EMAIL_URL": "smtp://mail.example:25"},
    )
    assert printed.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_writes_hashed_names_and_leaves_out_test_only_assets(settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert manifest["css/ourplace.css"] != "css/ourplace.css"
    assert (tmp_path / manifest["css/ourplace.css"]).exists()
    assert not [p for p in tmp_path.rglob("*") if "axe" in p.name]
