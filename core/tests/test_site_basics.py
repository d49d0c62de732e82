"""Issue 14: styled 404/403 pages (also under `make run`, whose settings now keep debug off), a
favicon that never 404s, and `make run` links in emails that follow its PORT."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)


def test_favicon_ico_is_served_from_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_the_favicon(client):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in page


def test_a_missing_page_gets_the_styled_404_with_the_navigation(client):
    client.force_login(UserFactory(programme_manager=True))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'aria-label="Main navigation"' in body and "Go to your start page" in body
    assert "Django tried these URL patterns" not in body


def test_a_forbidden_page_gets_the_styled_403(client):
    client.force_login(UserFactory(funder_officer=True))
    response = client.get(reverse("applications:assessment_queue"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot do that" in body and 'aria-label="Main navigation"' in body


def _local_setting(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "ourplace.settings.local"
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_make_run_settings_keep_debug_off_so_error_pages_are_styled():
    assert _local_setting("DEBUG") == "False"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_points_email_links_at_its_port():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    out = subprocess.run(
        ["make", "-n", "-f", "Makefile", "-f", "-", "clean", "PORT=8765"],
        input="$(info SITE_URL=$(SITE_URL))\n",
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "SITE_URL=http://127.0.0.1:8765" in out.stdout
    makefile = (BASE / "Makefile").read_text()
    assert "run: export SITE_URL" in makefile  # the site and the worker both get it
    readme = (BASE / "README.md").read_text()
    assert "`PORT`" in readme and "make run PORT=8001" in readme
