"""Personal survey links sent from the survey page are limited per address and per account
(issue 20): over a limit the form comes back with the reason, HTTP 429, and no link is emailed;
another address or account is unaffected."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, PartnerFactory
from surveys import services
from surveys.models import Invitation

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many requests for survey links"


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "survey_link_address": "2/h",
        "survey_link_account": "4/h",
    }


@pytest.fixture
def partner_survey(survey_round, programme_manager):
    return services.standard_survey_create(
        round=survey_round, which="partner", actor=programme_manager
    )


@pytest.fixture
def partners(survey_round):
    """Five partners of implementing areas in the round (each can be sent one link per
    address)."""
    return [
        PartnerFactory(area=AreaFactory(round=survey_round, stage=AreaStage.IMPLEMENTATION))
        for _ in range(5)
    ]


@pytest.fixture
def send(client, partner_survey, settings, django_capture_on_commit_callbacks):
    """Post the survey page's invitation form as `user`; the email goes out in place (the
    outbox's task run eagerly after commit)."""
    from ourplace.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True

    def post(user, partner, email):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("surveys:partner_invite", args=[partner_survey.pk]),
                {"partner": partner.pk, "email": email, "name": "Sam"},
            )

    yield post
    app.conf.task_always_eager = False


def test_links_to_one_address_are_limited(send, partners, programme_manager, limits):
    for partner in partners[:2]:
        assert send(programme_manager, partner, "contact@example.org").status_code == 302
    assert len(mail.outbox) == 2

    refused = send(programme_manager, partners[2], "CONTACT@example.org")

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert len(mail.outbox) == 2
    assert Invitation.objects.filter(email__iexact="contact@example.org").count() == 2
    # Another address is unaffected.
    assert send(programme_manager, partners[2], "another@example.org").status_code == 302
    assert mail.outbox[-1].to == ["another@example.org"]


def test_links_sent_by_one_account_are_limited(send, partners, programme_manager, limits):
    for n, partner in enumerate(partners[:4]):
        assert send(programme_manager, partner, f"p{n}@example.org").status_code == 302
    assert len(mail.outbox) == 4

    refused = send(programme_manager, partners[4], "p4@example.org")

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert len(mail.outbox) == 4
    # Another programme manager has their own allowance.
    colleague = UserFactory(username="pm2", programme_manager=True)
    assert send(colleague, partners[4], "p4@example.org").status_code == 302
    assert mail.outbox[-1].to == ["p4@example.org"]
