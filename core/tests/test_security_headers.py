"""Every response carries the Content-Security-Policy and Permissions-Policy, and no page of ours
contains what that policy forbids."""

from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_script_or_style(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_only_the_admin_site_may_use_inline_style_attributes(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_no_template_of_ours_has_inline_script_style_or_handlers():
    """The browser journeys catch violations on the pages they visit; this catches the rest.
    PDF templates are rendered by WeasyPrint, not a browser, and may keep their <style>."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("**/templates/**/*.html"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "var/")) or "/pdf/" in rel or "/offers/letter" in rel:
            continue
        text = path.read_text()
        for bad in ("style=", "<style", " onclick=", " onsubmit=", " onchange=", " onload="):
            if bad in text:
                offenders.append(f"{rel}: {bad.strip()}")
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            if "src=" not in head and "application/json" not in head:
                offenders.append(f"{rel}: inline <script>")
    assert not offenders, "\n".join(offenders)
