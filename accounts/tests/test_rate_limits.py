"""Rate limits on password reset links and team invitations (issue 20: fifteen reset emails went to
one address in 1.4 s). Over a limit the form comes back with the reason, HTTP 429, and nothing is
sent; other addresses and accounts are unaffected."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
TOO_MANY = "Too many requests"


@pytest.fixture
def limits(settings):
    """Small limits, so a test reaches them in a few requests (the defaults are the README's)."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "password_reset_address": "3/h",
        "password_reset_ip": "6/h",
        "invitation_account": "4/h",
        "invitation_address": "2/h",
    }
    return settings.RATE_LIMITS


def _reset(client, email, ip="192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def _page_without_tokens(response) -> str:
    """The page without its CSRF tokens (masked afresh on every page)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", response.content.decode())


def test_the_default_limits_are_the_documented_ones(settings):
    assert settings.RATE_LIMITS["password_reset_address"] == "5/h"
    assert settings.RATE_LIMITS["password_reset_ip"] == "20/h"
    assert settings.RATE_LIMITS["invitation_account"] == "30/h"
    assert settings.RATE_LIMITS["message_account"] == "30/10m"
    assert settings.RATE_LIMITS["survey_link_address"] == "5/h"


def test_fifteen_reset_requests_for_one_address_send_five_emails(client, lead_user):
    """Issue 20's reproduction, with the default limit of five an hour per address."""
    responses = [_reset(client, lead_user.email, ip=f"192.0.2.{n}") for n in range(15)]

    assert len(mail.outbox) == 5
    assert [r.status_code for r in responses] == [302] * 5 + [429] * 10
    assert TOO_MANY in responses[-1].content.decode()
    assert "try again later" in responses[-1].content.decode()


def test_over_the_address_limit_the_form_says_so_and_sends_nothing(client, lead_user, limits):
    for _ in range(3):
        assert _reset(client, lead_user.email).status_code == 302
    assert len(mail.outbox) == 3

    refused = _reset(client, lead_user.email.upper())  # the same address, however typed

    assert refused.status_code == 429
    page = refused.content.decode()
    assert TOO_MANY in page and "Reset your password" in page
    assert len(mail.outbox) == 3
    # Another address from the same client still gets its link.
    other = UserFactory(username="other")
    assert _reset(client, other.email).status_code == 302
    assert [m.to for m in mail.outbox[3:]] == [[other.email]]


def test_the_limit_does_not_tell_whether_an_address_has_an_account(client, lead_user, limits):
    unknown = "nobody-here@example.org"
    for _ in range(3):
        assert _reset(client, lead_user.email).status_code == 302
        assert _reset(client, unknown).status_code == 302

    known_refused = _reset(client, lead_user.email)
    unknown_refused = _reset(client, unknown)

    assert known_refused.status_code == unknown_refused.status_code == 429
    known_page = _page_without_tokens(known_refused).replace(lead_user.email, "ADDRESS")
    unknown_page = _page_without_tokens(unknown_refused).replace(unknown, "ADDRESS")
    assert known_page == unknown_page
    assert len(mail.outbox) == 3


def test_one_client_asking_for_many_addresses_is_limited(client, limits):
    users = [UserFactory(username=f"user{n}") for n in range(7)]

    responses = [_reset(client, u.email) for u in users]

    assert [r.status_code for r in responses] == [302] * 6 + [429]
    assert len(mail.outbox) == 6
    # Another client is not.
    assert _reset(client, users[-1].email, ip="198.51.100.7").status_code == 302
    assert mail.outbox[-1].to == [users[-1].email]


# Invitations to join a team: per inviting account and per invited address.


@pytest.fixture
def team(client_for, lead_user, area, settings, django_capture_on_commit_callbacks):
    """The lead's signed-in client and organisation, and `invite`, which posts the team page's
    form and sends the invitation email in place (the outbox's task run eagerly after commit)."""
    from ourplace.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    client, organisation = client_for(lead_user), area.lead_organisation

    def invite(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("team", args=[organisation.pk]), {"email": email})

    yield client, organisation, invite
    app.conf.task_always_eager = False


def test_invitations_are_limited_per_account(team, limits):
    client, organisation, invite = team
    sent = [invite(f"new{n}@example.org") for n in range(4)]
    assert [r.status_code for r in sent] == [302] * 4
    assert len(mail.outbox) == 4

    refused = invite("one-more@example.org")

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert not Invitation.objects.filter(email="one-more@example.org").exists()
    assert len(mail.outbox) == 4
    # A colleague's account has its own allowance.
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=organisation)
    client.force_login(colleague)
    assert invite("one-more@example.org").status_code == 302
    assert mail.outbox[-1].to == ["one-more@example.org"]


def test_invitations_are_limited_per_invited_address(team, limits):
    client, organisation, invite = team
    for _ in range(2):
        assert invite("twice@example.org").status_code == 302
    assert len(mail.outbox) == 2

    refused = invite("Twice@example.org")

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert Invitation.objects.filter(email__iexact="twice@example.org").count() == 2
    assert len(mail.outbox) == 2
    assert invite("someone-else@example.org").status_code == 302
    assert mail.outbox[-1].to == ["someone-else@example.org"]
