"""Sign-in throttling (django-axes): repeated failures lock a username on an address; an admin
can unlock it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_fifty_wrong_passwords_then_the_right_one_does_not_sign_in(client, programme_manager):
    # The reproduction: 50 wrong passwords for pm, then the right one logged in.
    for _ in range(50):
        _sign_in(client, "pm", "wrong-guess")

    response = _sign_in(client, "pm", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Too many failed attempts" in content
    assert "try again in 30 minutes or ask an admin to unlock" in " ".join(content.split())
    assert 'name="username"' in content  # still the sign-in page, in the site's layout


def test_the_fifth_failure_locks_and_the_fourth_does_not(client, programme_manager):
    for _ in range(4):
        assert _sign_in(client, "pm", "wrong-guess").status_code == 200
    assert _sign_in(client, "pm", PASSWORD).status_code == 302  # success resets the count
    client.post(reverse("logout"))

    for _ in range(5):
        _sign_in(client, "pm", "wrong-guess")

    assert _sign_in(client, "pm", PASSWORD).status_code == 429


def test_the_lock_is_per_username_other_users_still_sign_in(client, programme_manager, lead_user):
    for _ in range(6):
        _sign_in(client, "pm", "wrong-guess")

    assert _sign_in(client, "lead", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, programme_manager):
    for _ in range(6):
        _sign_in(client, "pm", "wrong-guess")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert _sign_in(client, "pm", PASSWORD).status_code == 302


def test_an_admin_sees_the_lockout_and_unlocks_it(client, programme_manager):
    for _ in range(50):
        _sign_in(client, "pm", "wrong-guess")
    assert _sign_in(client, "pm", PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(UserFactory(username="site-admin", role="admin"))
    page = admin.get(reverse("lockout_list"))
    assert page.status_code == 200
    assert "pm" in page.content.decode()
    assert "Unlock" in page.content.decode()

    done = admin.post(reverse("lockout_list"), {"username": "pm"}, follow=True)
    assert "Unlocked pm" in done.content.decode()
    assert "Nobody is locked out" in done.content.decode()

    response = _sign_in(client, "pm", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(programme_manager.pk)


@pytest.mark.parametrize("fixture", ["programme_manager", "relationship_manager", "lead_user"])
def test_only_admins_reach_the_unlock_page(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    client = client_for(user)

    assert client.get(reverse("lockout_list")).status_code == 403
    assert client.post(reverse("lockout_list"), {"username": "pm"}).status_code == 403


def test_the_unlock_page_needs_sign_in(client):
    response = client.get(reverse("lockout_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_axes_admin_lists_the_attempts(client_for, admin_user, client, programme_manager):
    for _ in range(6):
        _sign_in(client, "pm", "wrong-guess")

    page = client_for(admin_user).get(reverse("admin:axes_accessattempt_changelist"))

    assert page.status_code == 200
    assert "pm" in page.content.decode()
