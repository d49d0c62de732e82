"""Notifications behave like an inbox: each links to its item (in the app and in the email), is
read when that item is opened, is resolved when what it asks for is done (a funder's request to
co-sign disappears once they have signed), can be filtered by kind and all marked read, and is
emailed straight away, in a daily digest or not at all, as each person chose for its kind."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.kinds import Delivery
from activity.models import Notification, NotificationPreference
from activity.services import activity_record, notification_preferences_set
from activity.tasks import (
    notifications_digest_daily,
    notifications_digest_send,
    notifications_email,
)
from activity.tests.factories import NotificationFactory
from core.models import OutboxMessage
from plans.services.sign_off import plan_sign_off
from plans.tests.factories import PlanFactory, lead_member_of
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_under_review(db):
    area = AreaFactory(
        round=RoundFactory(sign_off_order="sequential"), stage=AreaStage.GETTING_GOING
    )
    lead_member_of(area, username="author")
    return PlanFactory(area=area, under_review=True)


def _open(user):
    return Notification.objects.filter(recipient=user, resolved_at__isnull=True)


class TestLinksToTheItem:
    def test_a_reviewer_is_linked_to_the_review_page_and_the_lead_to_the_workspace(
        self, plan_under_review, programme_manager, funder_officer
    ):
        plan_sign_off(plan=plan_under_review, actor=programme_manager)

        ref = plan_under_review.area.reference
        funder_note = Notification.objects.get(recipient=funder_officer)
        lead_note = Notification.objects.get(recipient__username="author")
        assert funder_note.url == reverse("plans:review", args=[ref])
        assert lead_note.url == reverse("plans:workspace", args=[ref])
        assert funder_note.kind == "plans"

    def test_the_email_links_to_the_item_not_the_list(
        self, plan_under_review, programme_manager, funder_officer
    ):
        plan_sign_off(plan=plan_under_review, actor=programme_manager)
        entry = Notification.objects.get(recipient=funder_officer).entry

        notifications_email.run(entry.pk)

        (message,) = [m for m in mail.outbox if m.to == [funder_officer.email]]
        item = settings.SITE_URL + reverse("plans:review", args=[plan_under_review.area.reference])
        assert f"See it in Our Place: {item}\n" in message.body
        assert "See it in Our Place: http://127.0.0.1:8000/notifications/\n" not in message.body

    def test_without_a_target_the_area_page(self, area, lead_user):
        activity_record(verb="area.noted", summary="Visit", area=area, notify=[lead_user])

        assert Notification.objects.get(recipient=lead_user).url == area.get_absolute_url()


class TestReadOnOpen:
    def test_opening_the_item_marks_its_notifications_read_and_no_others(
        self, client_for, area, lead_user
    ):
        about_area = NotificationFactory(recipient=lead_user, url=area.get_absolute_url())
        elsewhere = NotificationFactory(recipient=lead_user, url="/somewhere/else/")

        page = client_for(lead_user).get(area.get_absolute_url())

        about_area.refresh_from_db()
        elsewhere.refresh_from_db()
        assert about_area.read_at is not None
        assert elsewhere.read_at is None
        # The menu's badge already counts what is left.
        assert '1<span class="visually-hidden"> unread</span>' in page.content.decode()

    def test_someone_else_opening_it_changes_nothing(
        self, client_for, area, lead_user, programme_manager
    ):
        note = NotificationFactory(recipient=lead_user, url=area.get_absolute_url())

        client_for(programme_manager).get(area.get_absolute_url())

        note.refresh_from_db()
        assert note.read_at is None


class TestResolvedWhenDone:
    def test_the_funders_co_sign_request_disappears_once_signed(
        self, client_for, plan_under_review, programme_manager, funder_officer
    ):
        plan_sign_off(plan=plan_under_review, actor=programme_manager)
        request = Notification.objects.get(recipient=funder_officer)
        client = client_for(funder_officer)
        assert (
            request.entry.summary in client.get(reverse("activity:notifications")).content.decode()
        )

        plan_sign_off(plan=plan_under_review, actor=funder_officer)

        request.refresh_from_db()
        assert request.resolved_at is not None
        inbox = client.get(reverse("activity:notifications")).content.decode()
        assert request.entry.summary not in inbox
        assert "unread</span>" not in inbox
        # Still there, marked done, when asked for everything.
        everything = client.get(reverse("activity:notifications") + "?show=all").content.decode()
        assert request.entry.summary in everything and ">Done</span>" in everything

    def test_another_funder_officers_request_is_resolved_too_but_not_the_leads(
        self, plan_under_review, programme_manager, funder_officer
    ):
        colleague = UserFactory(funder_officer=True)
        plan_sign_off(plan=plan_under_review, actor=programme_manager)

        plan_sign_off(plan=plan_under_review, actor=funder_officer)

        assert not _open(colleague).exists()
        assert _open(UserFactory._meta.model.objects.get(username="author")).exists()

    def test_a_resolved_notification_is_not_emailed(
        self, plan_under_review, programme_manager, funder_officer
    ):
        plan_sign_off(plan=plan_under_review, actor=programme_manager)
        entry = Notification.objects.get(recipient=funder_officer).entry
        plan_sign_off(plan=plan_under_review, actor=funder_officer)
        mail.outbox.clear()

        notifications_email.run(entry.pk)

        assert funder_officer.email not in [m.to[0] for m in mail.outbox]


class TestInboxPage:
    def test_mark_all_read(self, client_for, lead_user):
        NotificationFactory.create_batch(3, recipient=lead_user)
        other = NotificationFactory()

        response = client_for(lead_user).post(
            reverse("activity:notifications_read_all"), follow=True
        )

        assert "3 notifications marked read." in response.content.decode()
        assert not Notification.objects.filter(recipient=lead_user, read_at__isnull=True).exists()
        other.refresh_from_db()
        assert other.read_at is None

    def test_mark_selected_read_touches_only_the_ticked_and_only_ones_own(
        self, client_for, lead_user
    ):
        ticked, also_ticked, left = NotificationFactory.create_batch(3, recipient=lead_user)
        someone_elses = NotificationFactory()

        response = client_for(lead_user).post(
            reverse("activity:notifications_read_selected"),
            {"notification": [ticked.pk, also_ticked.pk, someone_elses.pk], "query": "kind="},
            follow=True,
        )

        assert "2 notifications marked read." in response.content.decode()
        for n in (ticked, also_ticked, left, someone_elses):
            n.refresh_from_db()
        assert ticked.read_at and also_ticked.read_at
        assert left.read_at is None and someone_elses.read_at is None
        assert response.redirect_chain[-1][0] == reverse("activity:notifications") + "?kind="

    def test_nothing_ticked_says_so(self, client_for, lead_user):
        n = NotificationFactory(recipient=lead_user)

        response = client_for(lead_user).post(
            reverse("activity:notifications_read_selected"), follow=True
        )

        assert "Tick the notifications to mark read." in response.content.decode()
        n.refresh_from_db()
        assert n.read_at is None

    def test_unread_rows_have_a_box_for_the_bulk_form_with_select_all(self, client_for, lead_user):
        unread = NotificationFactory(recipient=lead_user)
        read = NotificationFactory(recipient=lead_user, read=True)

        page = client_for(lead_user).get(reverse("activity:notifications")).content.decode()

        assert 'data-select-all="notification"' in page
        assert f'name="notification" value="{unread.pk}" form="bulk-read"' in page
        assert f'name="notification" value="{read.pk}"' not in page

    def test_mark_all_read_of_one_kind(self, client_for, lead_user):
        plans = NotificationFactory(recipient=lead_user, kind="plans")
        grants = NotificationFactory(recipient=lead_user, kind="grants")

        client_for(lead_user).post(reverse("activity:notifications_read_all"), {"kind": "plans"})

        plans.refresh_from_db()
        grants.refresh_from_db()
        assert plans.read_at is not None and grants.read_at is None

    def test_filter_by_kind_and_unread(self, client_for, lead_user):
        NotificationFactory(recipient=lead_user, kind="plans", entry__summary="Plan returned")
        NotificationFactory(recipient=lead_user, kind="grants", entry__summary="Grant paid")
        NotificationFactory(
            recipient=lead_user, kind="plans", read=True, entry__summary="Plan read"
        )
        client = client_for(lead_user)
        url = reverse("activity:notifications")

        by_kind = client.get(url, {"kind": "plans"}).content.decode()
        unread = client.get(url, {"kind": "plans", "show": "unread"}).content.decode()

        assert "Plan returned" in by_kind and "Plan read" in by_kind and "Grant paid" not in by_kind
        assert "Plan returned" in unread and "Plan read" not in unread

    def test_the_item_is_linked_from_the_list(self, client_for, lead_user):
        NotificationFactory(recipient=lead_user, url="/areas/R9-001/plan/")

        page = client_for(lead_user).get(reverse("activity:notifications")).content.decode()

        assert 'href="/areas/R9-001/plan/"' in page


class TestPreferences:
    def test_page_saves_a_choice_per_kind(self, client_for, lead_user):
        client = client_for(lead_user)
        page = client.get(reverse("activity:preferences")).content.decode()
        assert "Plans and sign-off" in page and "daily digest" in page

        choices = dict.fromkeys(
            (
                "applications",
                "gates",
                "grants",
                "delivery",
                "support",
                "programme",
                "reports",
                "other",
            ),
            Delivery.IMMEDIATE,
        )
        response = client.post(reverse("activity:preferences"), {**choices, "plans": Delivery.OFF})

        assert response.status_code == 302
        assert NotificationPreference.objects.get(user=lead_user, kind="plans").delivery == "off"

    def _entry(self, area, user, verb="plan.returned"):
        return activity_record(verb=verb, summary=f"News {verb}", area=area, notify=[user])

    def test_immediately_is_the_default(self, area, lead_user):
        entry = self._entry(area, lead_user)

        assert notifications_email.run(entry.pk) == 1

    def test_off_sends_nothing_ever(self, area, lead_user):
        notification_preferences_set(user=lead_user, choices={"plans": Delivery.OFF})
        entry = self._entry(area, lead_user)

        assert notifications_email.run(entry.pk) == 0
        assert notifications_digest_send.run(lead_user.pk) == 0
        assert mail.outbox == []
        # Still in the app.
        assert Notification.objects.filter(recipient=lead_user, entry=entry).exists()

    def test_digest_waits_then_batches_into_one_email(self, area, lead_user):
        notification_preferences_set(user=lead_user, choices={"plans": Delivery.DIGEST})
        first = self._entry(area, lead_user)
        second = self._entry(area, lead_user, verb="plan.signed")
        grants = self._entry(area, lead_user, verb="grant.paid")  # still immediate

        sent_now = [notifications_email.run(e.pk) for e in (first, second, grants)]
        listed = notifications_digest_send.run(lead_user.pk)
        again = notifications_digest_send.run(lead_user.pk)

        assert sent_now == [0, 0, 1]
        assert (listed, again) == (2, 0)
        digest = mail.outbox[-1]
        assert "daily digest (2 notifications)" in digest.subject
        assert "News plan.returned" in digest.body and "News plan.signed" in digest.body
        assert settings.SITE_URL + area.get_absolute_url() in digest.body

    def test_read_or_resolved_notifications_leave_the_digest(self, area, lead_user):
        notification_preferences_set(user=lead_user, choices={"plans": Delivery.DIGEST})
        self._entry(area, lead_user)
        Notification.objects.filter(recipient=lead_user).update(read_at=timezone.now())

        assert notifications_digest_send.run(lead_user.pk) == 0

    def test_the_daily_task_queues_one_digest_per_person_through_the_outbox(
        self, area, lead_user, relationship_manager, django_capture_on_commit_callbacks, monkeypatch
    ):
        monkeypatch.setattr(
            notifications_digest_send, "apply_async", lambda **kw: type("R", (), {"id": "x"})()
        )
        for user in (lead_user, relationship_manager):
            notification_preferences_set(user=user, choices={"plans": Delivery.DIGEST})
            self._entry(area, user)
            self._entry(area, user, verb="plan.signed")
        nobody_waiting = UserFactory()
        notification_preferences_set(user=nobody_waiting, choices={"plans": Delivery.DIGEST})

        with django_capture_on_commit_callbacks(execute=True):
            queued = notifications_digest_daily.run()

        assert queued == 2
        messages = OutboxMessage.objects.filter(task="activity.tasks.notifications_digest_send")
        assert sorted(m.args[0] for m in messages) == sorted(
            [lead_user.pk, relationship_manager.pk]
        )

    def test_the_beat_schedule_runs_the_digest_every_day(self):
        from ourplace.celery import app

        entry = app.conf.beat_schedule["activity-notifications-digest"]
        assert entry["task"] == "activity.tasks.notifications_digest_daily"


def test_a_reissued_offers_notification_is_resolved_once_the_lead_accepts(
    area, lead_user, programme_manager, client_for
):
    from grants.offers.services import offer_accept, offer_reissue
    from grants.services import award_grant
    from programmes.models import Stage

    award = award_grant(
        area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
    )
    new = offer_reissue(
        offer=award.offers.get(), actor=programme_manager, reason="Schedule corrected."
    )
    note = Notification.objects.get(recipient=lead_user, entry__verb="offer.reissued")
    assert note.url == new.get_absolute_url()

    offer_accept(
        offer=new, actor=lead_user, name="Priya Shah", role="Chair", terms_sha256=new.terms_sha256
    )

    note.refresh_from_db()
    assert note.resolved_at is not None
