"""Notification emails reach everyone they can: a name stored with a line break (before names
were refused one) is flattened in the subject, and a recipient who cannot be emailed never stops
the others. A transient refusal is tried again with back-off; one that keeps failing, or cannot
succeed, is marked failed, with its error, where an admin sees it."""

from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory
from activity.models import ActivityEntry, Notification
from activity.services import activity_record
from activity.tasks import MAX_RETRIES, notifications_email
from messaging import services as messaging

pytestmark = pytest.mark.django_db

BAD_NAME = "Eve\r\nBcc: x@example.org"


@pytest.fixture
def rm(area):
    return AreaAssignmentFactory(
        area=area, user=UserFactory(username="rm_a", relationship_manager=True)
    ).user


@pytest.fixture
def eve(area):
    """A lead organisation user whose first name was stored with a line break before the
    single-line rule existed (written past validation, as the old data is)."""
    user = UserFactory(username="eve", first_name="Eve", last_name="Adams")
    MembershipFactory(user=user, organisation=area.lead_organisation)
    User.objects.filter(pk=user.pk).update(first_name=BAD_NAME)
    user.refresh_from_db()
    return user


def test_a_new_members_message_reaches_staff_with_a_one_line_subject(
    area, eve, programme_manager, rm
):
    message = messaging.message_post(area=area, actor=eve, body="Hello from the new member.")
    entry = ActivityEntry.objects.get(verb="message.posted", target_id=str(message.pk))
    assert "\r\n" in entry.summary  # the stored summary keeps the name as it was

    assert notifications_email.run(entry.pk) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["pm@example.org", "rm_a@example.org"]
    for email in mail.outbox:
        assert email.subject.startswith("Our Place: Eve Bcc: x@example.org Adams (")
        assert not any(ch in email.subject for ch in "\r\n")
        rendered = email.message()
        assert rendered["Bcc"] is None
        assert rendered["To"] == email.to[0]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def _entry_for(area, recipients):
    return activity_record(
        verb="plan.returned", summary="Plan returned", area=area, notify=recipients
    )


def test_a_recipient_who_cannot_be_emailed_does_not_stop_the_others(
    area, lead_user, relationship_manager, programme_manager
):
    broken = UserFactory(username="broken")
    # An address stored with a line break (from before validation): no email can carry it.
    User.objects.filter(pk=broken.pk).update(email="broken@example.org\nBcc: x@example.org")
    broken.refresh_from_db()
    # Created last, so the task (newest first) comes to it before the others.
    entry = _entry_for(area, [lead_user, relationship_manager, programme_manager, broken])

    assert notifications_email.run(entry.pk) == 3

    assert sorted(m.to[0] for m in mail.outbox) == [
        "lead@example.org",
        "pm@example.org",
        "rm@example.org",
    ]
    failed = Notification.objects.get(recipient=broken)
    assert failed.emailed_at is None and failed.email_failed_at is not None
    assert "newline" in failed.email_error.lower()
    # Run again (a redelivered task): nothing is sent twice, the failed one is not tried again.
    assert notifications_email.run(entry.pk) == 0
    assert len(mail.outbox) == 3


@pytest.fixture
def refusing(monkeypatch):
    """The mail server refuses one address "for now" (a 450), `times` times (None: always)."""
    state = {"address": None, "times": None, "refused": 0}
    real = EmailBackend.send_messages

    def send_messages(self, messages):
        for message in messages:
            if state["address"] in message.to and (
                state["times"] is None or state["refused"] < state["times"]
            ):
                state["refused"] += 1
                raise SMTPRecipientsRefused({state["address"]: (450, b"Mailbox busy, try later")})
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


def test_a_refusal_for_now_is_tried_again_and_then_delivered_and_the_others_go_first(
    area, lead_user, relationship_manager, programme_manager, refusing
):
    refusing.update(address="lead@example.org", times=2)
    entry = _entry_for(area, [relationship_manager, programme_manager, lead_user])

    # Run as the worker runs it: a retry is scheduled with back-off (here run in place).
    notifications_email.apply(args=[entry.pk])

    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == ["lead@example.org", "pm@example.org", "rm@example.org"]
    assert recipients[-1] == "lead@example.org"  # the others did not wait for it
    lead = Notification.objects.get(recipient=lead_user)
    assert lead.emailed_at is not None and lead.email_failed_at is None
    assert lead.email_attempts == 3
    assert notifications_email.retry_backoff and notifications_email.retry_jitter


def test_a_refusal_that_never_clears_is_marked_failed_after_the_retries(
    area, lead_user, relationship_manager, refusing
):
    refusing.update(address="lead@example.org", times=None)
    entry = _entry_for(area, [relationship_manager, lead_user])

    notifications_email.apply(args=[entry.pk])

    assert [m.to[0] for m in mail.outbox] == ["rm@example.org"]
    failed = Notification.objects.get(recipient=lead_user)
    assert failed.emailed_at is None and failed.email_failed_at is not None
    assert failed.email_attempts == MAX_RETRIES + 1
    assert "450" in failed.email_error and "Mailbox busy" in failed.email_error


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True, admin=True))
    return client


def test_a_failed_email_is_listed_with_its_error_in_the_admin(
    admin_client, area, lead_user, relationship_manager, refusing
):
    refusing.update(address="lead@example.org", times=None)
    entry = _entry_for(area, [relationship_manager, lead_user])
    notifications_email.apply(args=[entry.pk])
    failed = Notification.objects.get(recipient=lead_user)

    changelist = reverse("admin:activity_notification_changelist")
    page = admin_client.get(changelist, {"email": "failed"}).content.decode()
    assert f"/{failed.pk}/change/" in page
    sent = Notification.objects.get(recipient=relationship_manager)
    assert f"/{sent.pk}/change/" not in page
    assert "Failed" in page

    detail = admin_client.get(reverse("admin:activity_notification_change", args=[failed.pk]))
    assert "Mailbox busy, try later" in detail.content.decode()


def test_an_admin_sends_a_failed_email_again(
    admin_client,
    area,
    lead_user,
    relationship_manager,
    refusing,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    refusing.update(address="lead@example.org", times=None)
    entry = _entry_for(area, [relationship_manager, lead_user])
    notifications_email.apply(args=[entry.pk])
    failed = Notification.objects.get(recipient=lead_user)
    refusing.update(address=None)  # the mailbox is fixed
    queued = []
    # The outbox hands the task to Celery with apply_async after commit.
    monkeypatch.setattr(
        notifications_email,
        "apply_async",
        lambda args=(), kwargs=None, **options: queued.append(args),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:activity_notification_changelist"),
            {"action": "email_again", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 notification will be emailed again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.email_failed_at is None and failed.email_error == ""
    assert failed.email_attempts == 0
    assert queued == [[entry.pk]]
    assert notifications_email.run(entry.pk) == 1
    assert mail.outbox[-1].to == ["lead@example.org"]
