"""My work you can clear (issue 25): finished rounds' work is out of the default view; a person
snoozes an item until a later day (it comes back that day) or dismisses it with a reason (it
stays hidden), only on their own My work, and restores it from the Hidden list; every group that
shows only its first few links to a page with all of it; the page's queries stay fixed."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from applications.tests.factories import ApplicationFactory
from core.models import HiddenWorkItem
from core.mywork import work_for
from core.testing import today
from delivery.tests.factories import ProgressReturnFactory
from plans.tests.factories import PeerReviewAssignmentFactory, PlanFactory, lead_member_of
from programmes.models import AreaStage, Round
from programmes.tests.factories import AreaFactory, RoundFactory
from support.tests.factories import (
    AdviserDayFactory,
    FollowUpFactory,
    SupportContactFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

DAY = datetime.timedelta(days=1)


def group(user, heading, **kwargs):
    return next((g for g in work_for(user, **kwargs) if g.heading == heading), None)


def _followups(rm, n, area=None):
    if area is None:
        area = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        AreaAssignmentFactory(user=rm, area=area)
    contact = SupportContactFactory(area=area, logged_by=rm)
    return [
        FollowUpFactory(contact=contact, action=f"Ring the council {i}") for i in range(n)
    ], area


def _hide(client, item, kind, **data):
    return client.post(
        reverse("mywork_hide"),
        {
            "kind": kind,
            "ref": f"{item._meta.label_lower}:{item.pk}",
            "title": str(getattr(item, "action", item)),
            "url": "/support/",
            **data,
        },
    )


class TestFinishedRounds:
    def test_a_finished_rounds_overdue_returns_are_left_out_unless_asked_for(
        self, client_for, programme_manager
    ):
        pilot = RoundFactory(status=Round.Status.FINISHED)
        old = ProgressReturnFactory(
            area=AreaFactory(round=pilot, stage=AreaStage.IMPLEMENTATION), overdue=True
        )
        live = ProgressReturnFactory(overdue=True)

        default = group(programme_manager, "Progress returns overdue")
        everything = group(programme_manager, "Progress returns overdue", include_finished=True)

        assert [i.about.pk for i in default.items] == [live.pk]
        assert {i.about.pk for i in everything.items} == {old.pk, live.pk}
        page = client_for(programme_manager).get(reverse("mywork"), {"finished": "1"})
        assert html.escape(old.area.name) in page.content.decode()


class TestSnooze:
    def test_snoozed_until_a_day_it_is_hidden_until_that_day(
        self, client_for, relationship_manager, clock
    ):
        (first, second), _area = _followups(relationship_manager, 2)
        client = client_for(relationship_manager)

        response = _hide(client, first, "followups_due", action="snooze", until=today() + 3 * DAY)

        assert response.status_code == 302
        page = client.get(response.url).content.decode()
        assert "is snoozed until" in page and "Hidden (1)" in page
        followups = group(relationship_manager, "Follow-ups")
        assert [i.title for i in followups.items] == [second.action] and followups.total == 1
        clock.shift(2 * DAY)
        assert group(relationship_manager, "Follow-ups").total == 1
        clock.shift(DAY)
        assert group(relationship_manager, "Follow-ups").total == 2

    @pytest.mark.parametrize("days", [0, -1])
    def test_only_a_future_day_next_to_the_field(self, client_for, relationship_manager, days):
        (item,), _area = _followups(relationship_manager, 1)

        response = _hide(
            client_for(relationship_manager),
            item,
            "followups_due",
            action="snooze",
            until=today() + days * DAY,
        )

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["until"] == ["Choose a day after today."]
        assert not HiddenWorkItem.objects.exists()

    def test_another_person_still_sees_it(self, client_for, programme_manager):
        app = ApplicationFactory(submitted=True)
        colleague = UserFactory(programme_manager=True)

        _hide(
            client_for(programme_manager),
            app,
            "applications_to_assess",
            action="snooze",
            until=today() + 5 * DAY,
        )

        assert group(programme_manager, "Applications to assess") is None
        assert group(colleague, "Applications to assess").total == 1


class TestDismiss:
    def test_dismissed_with_a_reason_it_stays_hidden(self, client_for, programme_manager, clock):
        app = ApplicationFactory(submitted=True, area_name="Hollybank")
        other_manager = UserFactory(programme_manager=True)

        response = _hide(
            client_for(programme_manager),
            app,
            "applications_to_assess",
            action="dismiss",
            reason="Assessed on paper by the panel",
        )

        assert response.status_code == 302
        assert group(programme_manager, "Applications to assess") is None
        clock.shift(400 * DAY)
        assert group(programme_manager, "Applications to assess") is None
        assert group(other_manager, "Applications to assess").total == 1
        hidden = HiddenWorkItem.objects.get()
        assert hidden.reason == "Assessed on paper by the panel" and hidden.until is None

    @pytest.mark.parametrize(
        ("reason", "error"),
        [("", "Say why you are dismissing it."), (" ", "Say why you are dismissing it.")],
    )
    def test_a_reason_is_required(self, client_for, programme_manager, reason, error):
        app = ApplicationFactory(submitted=True)

        response = _hide(
            client_for(programme_manager),
            app,
            "applications_to_assess",
            action="dismiss",
            reason=reason,
        )

        assert response.status_code == 200
        assert response.context["form"].errors["reason"] == [error]
        assert group(programme_manager, "Applications to assess").total == 1

    def test_the_reason_is_length_limited(self, client_for, programme_manager):
        app = ApplicationFactory(submitted=True)

        response = _hide(
            client_for(programme_manager),
            app,
            "applications_to_assess",
            action="dismiss",
            reason="x" * 201,
        )

        assert response.status_code == 200
        assert "reason" in response.context["form"].errors
        assert not HiddenWorkItem.objects.exists()

    def test_an_item_of_a_providers_own_list_is_left_out_and_counted_so(self, client_for):
        area = AreaFactory(stage=AreaStage.GETTING_GOING)
        lead = lead_member_of(area, username="leaduser")
        owed = [
            PeerReviewAssignmentFactory(
                plan=PlanFactory(draft_submitted=True),
                reviewer_organisation=area.lead_organisation,
            )
            for _ in range(2)
        ]
        kind = group(lead, "Peer reviews to send").kind

        _hide(client_for(lead), owed[0], kind, action="dismiss", reason="Done by phone")

        reviews = group(lead, "Peer reviews to send")
        assert reviews.total == 1 and reviews.items[0].about.pk == owed[1].pk


class TestRestore:
    def test_the_hidden_list_shows_them_and_restore_brings_one_back(
        self, client_for, relationship_manager
    ):
        (snoozed, dismissed), _area = _followups(relationship_manager, 2)
        client = client_for(relationship_manager)
        _hide(client, snoozed, "followups_due", action="snooze", until=today() + 9 * DAY)
        _hide(client, dismissed, "followups_due", action="dismiss", reason="Duplicate")

        hidden_page = client.get(reverse("mywork_hidden")).content.decode()
        assert html.escape(snoozed.action) in hidden_page
        assert "Dismissed" in hidden_page and "Duplicate" in hidden_page
        assert group(relationship_manager, "Follow-ups") is None

        row = HiddenWorkItem.objects.get(object_id=dismissed.pk)
        response = client.post(reverse("mywork_restore", args=[row.pk]), follow=True)

        assert "is back on your My work" in response.content.decode()
        assert [i.about.pk for i in group(relationship_manager, "Follow-ups").items] == [
            dismissed.pk
        ]

    def test_only_ones_own(self, client_for, relationship_manager):
        (item,), _area = _followups(relationship_manager, 1)
        _hide(
            client_for(relationship_manager),
            item,
            "followups_due",
            action="dismiss",
            reason="Mine",
        )
        row = HiddenWorkItem.objects.get()
        someone = UserFactory(relationship_manager=True)

        response = client_for(someone).post(reverse("mywork_restore", args=[row.pk]))

        assert response.status_code == 404
        assert HiddenWorkItem.objects.filter(pk=row.pk).exists()


class TestSeeAll:
    def test_a_group_showing_its_first_five_links_to_all_of_it(
        self, client_for, relationship_manager
    ):
        area = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        AreaAssignmentFactory(user=relationship_manager, area=area)
        days = [
            AdviserDayFactory(area=area, planned=True, date=today() + (i + 1) * DAY)
            for i in range(7)
        ]
        client = client_for(relationship_manager)

        page = client.get(reverse("mywork")).content.decode()

        url = reverse("mywork_group", args=["bookings_coming_up"])
        assert f'The first 5 of 7 — <a href="{url}">See all 7' in page
        all_page = client.get(url)
        assert all_page.status_code == 200
        assert [i.about.pk for i in all_page.context["group"].items] == [d.pk for d in days]

    def test_an_unknown_group_is_not_found(self, client_for, relationship_manager):
        response = client_for(relationship_manager).get(
            reverse("mywork_group", args=["no_such_group"])
        )

        assert response.status_code == 404


def _rm_work(rm, n):
    items, area = _followups(rm, n)
    for _ in range(n):
        AdviserDayFactory(area=area, planned=True, date=today() + 3 * DAY)
        other = AreaFactory(stage=AreaStage.IMPLEMENTATION)
        AreaAssignmentFactory(user=rm, area=other)
        ProgressReturnFactory(area=other, overdue=True)
    return items


@pytest.mark.parametrize("url", ["mywork", "mywork_group"])
def test_queries_fixed_for_5_and_50_items_with_some_hidden(url, client_for, relationship_manager):
    client = client_for(relationship_manager)
    address = (
        reverse("mywork_group", args=["followups_due"]) if url == "mywork_group" else reverse(url)
    )
    small = _rm_work(relationship_manager, 5)
    _hide(client, small[0], "followups_due", action="dismiss", reason="Done")
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    large = _rm_work(relationship_manager, 45)
    for item in large[:10]:
        _hide(client, item, "followups_due", action="snooze", until=today() + 2 * DAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(address)
    assert len(many.captured_queries) == len(few.captured_queries)
    if url == "mywork":
        assert len(few.captured_queries) <= 15
        assert "Hidden (11)" in response.content.decode()
    else:
        assert len(response.context["group"].items) == 50 - 11


def test_a_finished_rounds_returns_to_review_are_left_out_too(programme_manager):
    pilot = RoundFactory(status=Round.Status.FINISHED)
    sent = ProgressReturnFactory(
        area=AreaFactory(round=pilot, stage=AreaStage.IMPLEMENTATION), submitted=True
    )

    assert group(programme_manager, "Progress returns to review") is None
    everything = group(programme_manager, "Progress returns to review", include_finished=True)
    assert [i.about.pk for i in everything.items] == [sent.pk]


def test_the_hidden_list_comes_a_page_at_a_time(client_for):
    """Dismissed items stay until restored, so the list can grow long: 50 to a page."""
    from django.contrib.contenttypes.models import ContentType

    from core.views import HIDDEN_PAGE_SIZE

    person = UserFactory(relationship_manager=True)
    kind = ContentType.objects.get_for_model(HiddenWorkItem)
    HiddenWorkItem.objects.bulk_create(
        HiddenWorkItem(
            user=person, kind="support.followups", content_type=kind, object_id=n,
            reason="Done elsewhere", title=f"Item {n:03}",
        )
        for n in range(HIDDEN_PAGE_SIZE + 3)
    )  # fmt: skip
    client = client_for(person)
    first = client.get(reverse("mywork_hidden")).content.decode()
    assert first.count('class="list-group-item') == HIDDEN_PAGE_SIZE
    assert "Page 1 of 2" in first
    second = client.get(reverse("mywork_hidden"), {"page": 2}).content.decode()
    assert second.count('class="list-group-item') == 3
