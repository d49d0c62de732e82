"""Signing in and out, changing a password, and the home page sending everyone to My work."""

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from programmes.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    "fixture",
    [
        "programme_manager",
        "funder_officer",
        "finance_officer",
        "relationship_manager",
        "admin_user",
        "lead_user",
    ],
)
def test_home_sends_everyone_to_my_work(request, client_for, fixture):
    user = request.getfixturevalue(fixture)

    response = client_for(user).get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("mywork")
    # The start page itself opens for that role (no redirect loop, no 403).
    page = client_for(user).get(response.url)
    assert page.status_code == 200
    assert "My work" in page.content.decode()


def test_sign_in_form_logs_in_and_lands_on_the_start_page(client, lead_user, area):
    second = AreaFactory(lead_organisation=area.lead_organisation)

    response = client.post(
        reverse("login"), {"username": "lead", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert response.request["PATH_INFO"] == reverse("mywork")
    areas = client.get(reverse("programmes:my_areas")).content.decode()
    assert area.name in areas
    assert second.name in areas


def test_sign_in_with_a_wrong_password_shows_an_error(client, lead_user):
    response = client.post(reverse("login"), {"username": "lead", "password": "nope"})

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_page_shows_the_form(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Sign in to Our Place" in content
    assert 'name="username"' in content
    assert 'name="password"' in content


def test_signed_in_user_visiting_sign_in_goes_to_their_start(client_for, programme_manager):
    response = client_for(programme_manager).get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_out_needs_post_and_ends_the_session(client_for, programme_manager):
    client = client_for(programme_manager)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_password_pages_need_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_works_and_errors_show_next_to_fields(client_for, lead_user):
    client = client_for(lead_user)

    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Change your password" in page.content.decode()

    bad = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert bad.status_code == 200
    assert "id_old_password" in bad.content.decode()
    assert "invalid-feedback" in bad.content.decode()

    good = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
        follow=True,
    )
    assert "Your password has been changed" in good.content.decode()
    lead_user.refresh_from_db()
    assert lead_user.check_password("a-much-longer-passphrase-2026")


def test_navigation_matches_the_role(client_for, programme_manager, db):
    lead = UserFactory(username="lead-nav")
    MembershipFactory(user=lead, organisation=AreaFactory().lead_organisation)

    staff_page = client_for(programme_manager).get(reverse("programmes:area_list"))
    staff_nav = staff_page.content.decode()
    assert 'href="/areas/"' in staff_nav
    assert 'href="/organisations/"' in staff_nav
    assert 'href="/my-areas/"' not in staff_nav

    lead_page = client_for(lead).get(reverse("activity:notifications"))
    lead_nav = lead_page.content.decode()
    assert 'href="/my-areas/"' in lead_nav
    assert 'href="/areas/"' not in lead_nav
    assert 'href="/organisations/"' not in lead_nav
