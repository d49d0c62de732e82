"""Issue 25: Send message pressed twice (a double click, a request the browser sends again)
sends one message. The form carries a one-off submission token; the same token posted again is
the message already sent: the thread is shown once more, nobody is told twice, and no empty form
or "This field is required." comes back."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import ActivityEntry, Notification
from messaging import services
from messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def rm(area):
    return AreaAssignmentFactory(
        area=area, user=UserFactory(username="rm_a", relationship_manager=True)
    ).user


def _thread(area):
    return reverse("messaging:thread", args=[area.reference])


def _token(page: str) -> str:
    return re.search(r'name="message-submission" value="([0-9a-f-]+)"', page).group(1)


def test_the_same_submission_posted_twice_sends_one_message(client_for, area, lead_user, rm):
    client = client_for(lead_user)
    token = _token(client.get(_thread(area)).content.decode())
    data = {"message-body": "Is the plan due in March?", "message-submission": token}
    first = client.post(_thread(area), data)
    second = client.post(_thread(area), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Message.objects.filter(area=area).count() == 1
    assert ActivityEntry.objects.filter(area=area, verb="message.posted").count() == 1
    assert Notification.objects.filter(recipient=rm).count() == 1
    page = client.get(second["Location"]).content.decode()
    assert page.count("Is the plan due in March?") == 1
    assert "This field is required." not in page


def test_each_showing_of_the_form_is_a_new_submission(client_for, area, lead_user, rm):
    """The same words sent again on purpose, from the form shown after the first, are a second
    message."""
    client = client_for(lead_user)
    for _ in range(2):
        token = _token(client.get(_thread(area)).content.decode())
        client.post(_thread(area), {"message-body": "Thanks!", "message-submission": token})
    assert Message.objects.filter(area=area, body="Thanks!").count() == 2


def test_a_refused_post_keeps_its_token_so_the_corrected_one_is_sent_once(
    client_for, area, lead_user, rm
):
    client = client_for(lead_user)
    token = _token(client.get(_thread(area)).content.decode())
    refused = client.post(_thread(area), {"message-body": " ", "message-submission": token})
    assert _token(refused.content.decode()) == token
    data = {"message-body": "Now with words", "message-submission": token}
    client.post(_thread(area), data)
    client.post(_thread(area), data)
    assert Message.objects.filter(area=area).count() == 1


def test_the_service_returns_the_message_a_submission_already_made(area, lead_user, rm):
    token = uuid.uuid4()
    first = services.message_post(area=area, actor=lead_user, body="Hello", submission=token)
    again = services.message_post(area=area, actor=lead_user, body="Hello", submission=token)
    assert again.pk == first.pk
    # Without a token (imports, the demo) every call is a message of its own.
    services.message_post(area=area, actor=lead_user, body="Hello")
    assert Message.objects.filter(area=area).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_submission_at_the_same_moment_make_one_message(area, lead_user, rm):
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need a database with row locks (PostgreSQL)")
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    made, errors = [], []

    def post():
        try:
            barrier.wait()
            made.append(
                services.message_post(area=area, actor=lead_user, body="Hi", submission=token)
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({m.pk for m in made}) == 1
    assert Message.objects.filter(area=area).count() == 1
