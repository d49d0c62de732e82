"""The rate limits' configuration: django-ratelimit's own system checks pass on the laptop and
production settings (each process's memory, or a shared Redis cache), and a rate the library
cannot read fails `manage.py check` rather than a request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from core.ratelimits import Limit, check_rate_limits

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "ourplace.settings.production",
    "SECRET_KEY": "a-real-secret-for-the-test-only-" + "x" * 40,
    "DATABASE_URL": "postgres://ourplace@db.example:5432/ourplace",
    "ALLOWED_HOSTS": "ourplace.example.org",
    "BACKUP_KEY": "a-long-backup-passphrase-for-the-test-only",
    "EMAIL_URL": "smtp://mail.example:25",
    "AXES_IPWARE_PROXY_COUNT": "1",
}


def test_every_limit_has_a_rate(settings):
    assert set(settings.RATE_LIMITS) == {limit.value for limit in Limit}
    assert check_rate_limits(None) == []


def test_a_rate_that_cannot_be_read_fails_the_check(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_account": "30 a minute"}

    errors = check_rate_limits(None)

    assert [e.id for e in errors] == ["core.E102"]
    assert "message_account" in errors[0].msg


def test_a_missing_rate_fails_the_check(settings):
    settings.RATE_LIMITS = {
        k: v for k, v in settings.RATE_LIMITS.items() if k != "password_reset_ip"
    }

    assert [e.id for e in check_rate_limits(None)] == ["core.E101"]


def test_the_checks_pass_with_these_settings():
    call_command("check", fail_level="WARNING")  # raises SystemCheckError on any issue


@pytest.mark.skipif((BASE_DIR / ".env").exists(), reason="a .env file would supply the settings")
@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/2"])
def test_the_deploy_checks_pass_with_production_settings(cache_url):
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(PRODUCTION)
    if cache_url:
        env["CACHE_URL"] = cache_url

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
