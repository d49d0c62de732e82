"""Password reset by email, with Django's own views in the site's templates."""

import re
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-fresh-long-passphrase-77"


def _reset_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def _reset_path(message) -> str:
    return urlsplit(_reset_link(message)).path


def test_the_sign_in_page_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgotten your password?" in page


def test_the_whole_reset_flow_by_email(client, lead_user, settings):
    settings.SITE_URL = "https://ourplace.example.org"

    form = client.get(reverse("password_reset"))
    assert "Reset your password" in form.content.decode()
    sent = client.post(reverse("password_reset"), {"email": lead_user.email}, follow=True)
    assert "Check your email" in sent.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [lead_user.email]
    assert message.subject == "Reset your Our Place password"
    link = _reset_link(message)
    # The link is built from SITE_URL, not from the Host header of the request.
    assert link.startswith("https://ourplace.example.org/accounts/password/reset/")

    path = link.removeprefix("https://ourplace.example.org")
    page = client.get(path, follow=True)
    assert "Choose a new password" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Your password has been reset" in done.content.decode()

    lead_user.refresh_from_db()
    assert lead_user.check_password(NEW_PASSWORD)
    signed_in = client.post(
        reverse("login"), {"username": "lead", "password": NEW_PASSWORD}, follow=True
    )
    assert signed_in.context["user"] == lead_user

    # The link works once.
    again = client.get(path, follow=True)
    assert "has been used already or has expired" in again.content.decode()


def test_the_reset_email_ignores_a_forged_host_header(client, lead_user, settings):
    settings.SITE_URL = "https://ourplace.example.org"
    settings.ALLOWED_HOSTS = ["*"]

    client.post(reverse("password_reset"), {"email": lead_user.email}, HTTP_HOST="evil.example")

    assert "evil.example" not in mail.outbox[0].body
    assert _reset_link(mail.outbox[0]).startswith("https://ourplace.example.org/")


def test_an_unknown_address_gets_the_same_page_and_no_email(client, lead_user):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_the_new_password_must_pass_the_validators(client, programme_manager):
    client.post(reverse("password_reset"), {"email": programme_manager.email})
    page = client.get(_reset_path(mail.outbox[0]), follow=True)
    set_url = page.redirect_chain[-1][0]

    short = client.post(set_url, {"new_password1": "Short-pw-1", "new_password2": "Short-pw-1"})

    assert short.status_code == 200
    assert "at least 12 characters" in short.content.decode()
    assert "invalid-feedback" in short.content.decode()


def test_resetting_the_password_lifts_a_lockout(client, programme_manager):
    for _ in range(6):
        client.post(reverse("login"), {"username": "pm", "password": "wrong-guess"})
    assert AccessAttempt.objects.filter(username="pm").exists()

    client.post(reverse("password_reset"), {"email": programme_manager.email})
    page = client.get(_reset_path(mail.outbox[0]), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    response = client.post(reverse("login"), {"username": "pm", "password": NEW_PASSWORD})
    assert response.status_code == 302
