"""Production settings refuse to start without the secrets and hosts a deployment needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
REQUIRED = {
    "SECRET_KEY": "a-real-secret-for-the-test-only",
    "DATABASE_URL": "postgres://ourplace@db.example:5432/ourplace",
    "ALLOWED_HOSTS": "ourplace.example.org",
}


def _import_production(extra_env):
    # A clean environment: only what Python needs to run, plus the variables under test.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    # Mail must leave the machine in production (core/tests/test_production_settings.py).
    env["EMAIL_URL"] = "smtp://mail.example:25"
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import ourplace.settings.production as s; print(s.ALLOWED_HOSTS)"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif((BASE_DIR / ".env").exists(), reason="a .env file would supply the settings")
@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_settings_fail_without_each_required_variable(missing):
    env = {k: v for k, v in REQUIRED.items() if k != missing}

    result = _import_production(env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set" in result.stderr


def test_production_settings_load_when_all_are_set():
    result = _import_production(REQUIRED)

    assert result.returncode == 0, result.stderr
    assert "['ourplace.example.org']" in result.stdout
