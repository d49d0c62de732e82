"""The audit trail and the notifications that fan out from it: recorded once, emailed once, listed
for their recipient only, and marked read."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry, Notification, Visibility
from activity.services import activity_record, notification_mark_read
from activity.tasks import notifications_email
from activity.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


class TestActivityRecord:
    def test_records_an_entry_with_its_target(self, area, programme_manager):
        entry = activity_record(
            verb="area.noted",
            summary="Visited the steering group",
            actor=programme_manager,
            area=area,
            target=area.lead_organisation,
            visibility=Visibility.AREA,
        )

        stored = ActivityEntry.objects.get(pk=entry.pk)
        assert stored.summary == "Visited the steering group"
        assert stored.actor == programme_manager
        assert stored.target_type == "programmes.organisation"
        assert stored.target_id == str(area.lead_organisation.pk)

    def test_notify_creates_one_notification_per_recipient_but_not_the_actor(
        self, area, programme_manager, lead_user, relationship_manager
    ):
        entry = activity_record(
            verb="plan.returned",
            summary="Plan returned for changes",
            actor=programme_manager,
            area=area,
            notify=[lead_user, relationship_manager, lead_user, programme_manager, None],
        )

        recipients = set(
            Notification.objects.filter(entry=entry).values_list("recipient__username", flat=True)
        )
        assert recipients == {"lead", "rm"}

    def test_inactive_users_and_imported_history_notify_nobody(self, area, lead_user):
        inactive = UserFactory(is_active=False)

        activity_record(verb="a", summary="Old news", area=area, notify=[inactive])
        activity_record(verb="b", summary="Imported", area=area, imported=True, notify=[lead_user])

        assert Notification.objects.count() == 0

    def test_email_task_is_queued_only_after_commit(
        self, area, lead_user, django_capture_on_commit_callbacks, monkeypatch
    ):
        queued = []
        # The outbox hands the message to Celery with apply_async after commit.
        monkeypatch.setattr(
            notifications_email,
            "apply_async",
            lambda args=(), kwargs=None, **options: queued.append(args[0]),
        )

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            entry = activity_record(verb="x", summary="Grant paid", area=area, notify=[lead_user])
            assert queued == []

        assert len(callbacks) == 1
        assert queued == [entry.pk]

    def test_no_task_when_nobody_is_notified(self, area, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            activity_record(verb="x", summary="Quiet", area=area)

        assert callbacks == []


class TestEmailTask:
    def test_sends_each_recipient_one_email_even_when_run_twice(
        self, area, lead_user, relationship_manager
    ):
        entry = activity_record(
            verb="plan.returned",
            summary="Plan returned for changes",
            reason="Say more about how the council's money will be aligned.",
            area=area,
            notify=[lead_user, relationship_manager],
        )

        first = notifications_email.run(entry.pk)
        second = notifications_email.run(entry.pk)

        assert (first, second) == (2, 0)
        assert len(mail.outbox) == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "rm@example.org"]
        message = mail.outbox[0]
        assert message.subject == "Our Place: Plan returned for changes"
        assert area.reference in message.body
        assert "aligned" in message.body
        # The email links to the item (here the area: the entry has no target of its own).
        assert (
            f"See it in Our Place: http://127.0.0.1:8000{area.get_absolute_url()}\n" in message.body
        )
        assert not Notification.objects.filter(entry=entry, emailed_at__isnull=True).exists()

    def test_a_worker_lost_mid_task_redelivers_it_and_what_was_sent_is_not_sent_again(
        self, area, lead_user, relationship_manager, monkeypatch
    ):
        from activity import tasks

        # Acknowledged late and delivered again when the worker dies: safe, because...
        assert notifications_email.acks_late and notifications_email.reject_on_worker_lost
        entry = activity_record(
            verb="plan.returned",
            summary="Returned",
            area=area,
            notify=[lead_user, relationship_manager],
        )
        real = tasks._email_one
        calls = []

        def dies_on_the_second(pk):
            calls.append(pk)
            if len(calls) == 2:
                raise SystemExit("worker killed")  # before the second email went out
            return real(pk)

        monkeypatch.setattr(tasks, "_email_one", dies_on_the_second)
        with pytest.raises(SystemExit):
            notifications_email.run(entry.pk)
        assert len(mail.outbox) == 1
        monkeypatch.setattr(tasks, "_email_one", real)
        # ...the redelivered message sends only the email that had not gone out.
        assert notifications_email.run(entry.pk) == 1
        assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "rm@example.org"]

    def test_killed_between_sending_and_recording_it_sends_the_same_message_again(
        self, area, lead_user, monkeypatch
    ):
        # At least once, never lost: the one email that can go twice carries one Message-ID.
        entry = activity_record(verb="x", summary="Hello", area=area, notify=[lead_user])
        real_save = Notification.save

        def killed(self, *args, **kwargs):
            raise SystemExit("worker killed after the mail server took the message")

        monkeypatch.setattr(Notification, "save", killed)
        with pytest.raises(SystemExit):
            notifications_email.run(entry.pk)
        monkeypatch.setattr(Notification, "save", real_save)
        assert notifications_email.run(entry.pk) == 1
        first, second = mail.outbox
        assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
        assert first.extra_headers["Message-ID"].startswith("<notification-")

    def test_an_email_that_keeps_killing_its_worker_stops_after_the_cap(
        self, area, lead_user, monkeypatch
    ):
        from activity import tasks

        entry = activity_record(verb="x", summary="Hello", area=area, notify=[lead_user])
        monkeypatch.setattr(tasks, "MAX_ATTEMPTS", 3)

        def kills(pk):
            raise SystemExit("worker killed")

        real = tasks._email_one
        monkeypatch.setattr(tasks, "_email_one", kills)
        for _ in range(3):
            with pytest.raises(SystemExit):
                notifications_email.run(entry.pk)
        # Delivered once more (reject_on_worker_lost): it has had its attempts, so it stops.
        monkeypatch.setattr(tasks, "_email_one", real)
        assert notifications_email.run(entry.pk) == 0
        assert mail.outbox == []
        assert Notification.objects.get(entry=entry).email_attempts == 3

    def test_recipient_without_email_is_skipped(self, area):
        nobody = UserFactory(email="")
        entry = activity_record(verb="x", summary="Hello", area=area, notify=[nobody])

        assert notifications_email.run(entry.pk) == 0
        assert mail.outbox == []


class TestNotificationPages:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        note = NotificationFactory()
        list_url = reverse("activity:notifications")
        read_url = reverse("activity:notification_read", args=[note.pk])

        assert client.get(list_url).url == f"{reverse('login')}?next={list_url}"
        assert client.post(read_url).url == f"{reverse('login')}?next={read_url}"
        note.refresh_from_db()
        assert note.read_at is None

    def test_lists_only_my_notifications_with_unread_marked(self, client_for, lead_user):
        mine = NotificationFactory(recipient=lead_user, entry__summary="Grant paid")
        NotificationFactory(recipient=lead_user, read=True, entry__summary="Plan approved")
        NotificationFactory(entry__summary="Someone else's news")

        response = client_for(lead_user).get(reverse("activity:notifications"))

        content = response.content.decode()
        assert response.status_code == 200
        assert "Grant paid" in content and "Plan approved" in content
        assert "Someone else" not in content
        assert content.count(">New</span>") == 1
        assert mine.entry.area.reference in content
        # The unread count in the navigation.
        assert '1<span class="visually-hidden"> unread</span>' in content

    def test_empty_list_says_so(self, client_for, lead_user):
        response = client_for(lead_user).get(reverse("activity:notifications"))

        assert "You have no notifications." in response.content.decode()

    def test_marking_read_opens_the_area(self, client_for, lead_user, area):
        note = NotificationFactory(recipient=lead_user, entry__area=area)

        response = client_for(lead_user).post(reverse("activity:notification_read", args=[note.pk]))

        assert response.status_code == 302
        assert response.url == area.get_absolute_url()
        note.refresh_from_db()
        assert note.read_at is not None

    def test_notification_without_area_returns_to_the_list(self, client_for, lead_user):
        note = NotificationFactory(recipient=lead_user, entry__area=None)

        response = client_for(lead_user).post(reverse("activity:notification_read", args=[note.pk]))

        assert response.url == reverse("activity:notifications")

    def test_someone_elses_notification_is_not_found(self, client_for, lead_user):
        note = NotificationFactory()

        response = client_for(lead_user).post(reverse("activity:notification_read", args=[note.pk]))

        assert response.status_code == 404
        note.refresh_from_db()
        assert note.read_at is None

    def test_marking_read_needs_post(self, client_for, lead_user):
        note = NotificationFactory(recipient=lead_user)

        response = client_for(lead_user).get(reverse("activity:notification_read", args=[note.pk]))

        assert response.status_code == 405

    def test_list_query_count_does_not_grow(
        self, client_for, lead_user, django_assert_max_num_queries
    ):
        client = client_for(lead_user)
        for size in (3, 20):
            Notification.objects.all().delete()
            NotificationFactory.create_batch(size, recipient=lead_user)
            with django_assert_max_num_queries(8):
                response = client.get(reverse("activity:notifications"))
            assert response.content.decode().count(">New</span>") == size


def test_service_refuses_to_mark_someone_elses_notification(lead_user):
    note = NotificationFactory()

    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=note, user=lead_user)


def test_marking_read_twice_keeps_the_first_time(lead_user):
    note = NotificationFactory(recipient=lead_user)
    notification_mark_read(notification=note, user=lead_user)
    first = note.read_at

    notification_mark_read(notification=note, user=lead_user)

    note.refresh_from_db()
    assert note.read_at == first
