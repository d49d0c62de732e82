"""Staff are signed out after a spell without activity; lead organisation users are not."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db

PAGE = "activity:notifications"


def _idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


@pytest.mark.parametrize(
    "fixture", ["programme_manager", "funder_officer", "relationship_manager", "admin_user"]
)
def test_staff_idle_longer_than_the_limit_are_signed_out(request, client_for, fixture):
    client = client_for(request.getfixturevalue(fixture))
    _idle_for(client, 31)

    response = client.get(reverse(PAGE))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert "signed out after 30 minutes without activity" in login_page.content.decode()


def test_staff_active_within_the_limit_stay_signed_in(client_for, programme_manager):
    client = client_for(programme_manager)
    _idle_for(client, 29)

    assert client.get(reverse(PAGE)).status_code == 200
    # The request moved the clock on, so another 29 minutes later they are still signed in.
    assert client.session[LAST_SEEN_KEY] > int(time.time()) - 60
    _idle_for(client, 29)
    assert client.get(reverse(PAGE)).status_code == 200


def test_lead_users_keep_their_session(client_for, lead_user):
    client = client_for(lead_user)
    _idle_for(client, 24 * 60)

    assert client.get(reverse(PAGE)).status_code == 200


def test_the_limit_is_a_setting(client_for, programme_manager, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 120
    client = client_for(programme_manager)
    _idle_for(client, 60)

    assert client.get(reverse(PAGE)).status_code == 200
