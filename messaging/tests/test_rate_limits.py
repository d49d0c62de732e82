"""Messages (and staff notes) are limited per account (issue 20): over the limit the form comes
back with the reason, HTTP 429, nothing is posted and nobody is notified; another account on the
same conversation is unaffected."""

import pytest
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import Notification
from messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_account": "3/10m"}


@pytest.fixture
def rm(area):
    return AreaAssignmentFactory(
        area=area, user=UserFactory(username="rm_a", relationship_manager=True)
    ).user


def _send(client, area, body):
    return client.post(reverse("messaging:thread", args=[area.reference]), {"message-body": body})


def test_a_lead_over_the_limit_is_told_and_nothing_is_sent(client, area, lead_user, rm, limits):
    client.force_login(lead_user)
    assert [_send(client, area, f"Question {n}").status_code for n in range(3)] == [302] * 3
    notified = Notification.objects.count()
    assert notified  # the relationship manager was told of each

    refused = _send(client, area, "One more question")

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many requests for messages" in page and "try again later" in page
    assert "One more question" in page  # the text is kept in the form, not lost
    assert not Message.objects.filter(body="One more question").exists()
    assert Notification.objects.count() == notified
    # The relationship manager's account has its own allowance on the same conversation.
    client.force_login(rm)
    assert _send(client, area, "Answer").status_code == 302
    assert Message.objects.filter(body="Answer", author=rm).exists()


def test_staff_notes_count_against_the_same_allowance(client, area, rm, limits):
    client.force_login(rm)
    for n in range(3):
        assert _send(client, area, f"Reply {n}").status_code == 302

    refused = client.post(
        reverse("messaging:note_add", args=[area.reference]), {"note-body": "A note"}
    )

    assert refused.status_code == 429
    assert "Too many requests for messages" in refused.content.decode()
    assert not Message.objects.filter(body="A note").exists()
