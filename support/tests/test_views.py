import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AreaAssignment
from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory
from core.testing import today
from programmes.models import AreaStage
from programmes.tests.factories import AreaFactory, MilestoneFactory, RoundFactory
from programmes.tests.panels import area_panel, panel_url
from support.models import AdviserDay, EventInvitation, FollowUp, SupportContact
from support.tests.factories import (
    AdviserDayFactory,
    AdviserEntitlementFactory,
    AdviserFactory,
    EventFactory,
    EventInvitationFactory,
    FollowUpFactory,
    SupportContactFactory,
    ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def rm_area(relationship_manager):
    area = AreaFactory(name="Beeston Hill")
    AreaAssignmentFactory(area=area, user=relationship_manager)
    return area


def _areas_for(rm, n, round=None):
    round = round or RoundFactory()
    MilestoneFactory(round=round)
    areas = []
    for i in range(n):
        area = AreaFactory(round=round)
        AreaAssignmentFactory(area=area, user=rm)
        AdviserEntitlementFactory(area=area)
        AdviserDayFactory(area=area, days=Decimal("0.5"))
        contact = SupportContactFactory(area=area, date=ago(i), logged_by=rm, high_risk=i % 2)
        FollowUpFactory(contact=contact, owner=rm)
        areas.append(area)
    return areas


# --- layers -----------------------------------------------------------------------------------

STAFF_PAGES = [
    "support:my_areas",
    "support:followup_list",
    "support:event_list",
    "support:event_create",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_redirected_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_lead_organisation_user_refused_staff_pages(client_for, lead_user, name):
    assert client_for(lead_user).get(reverse(name)).status_code == 403


def test_rm_start_page_lists_only_current_areas(client_for, relationship_manager, rm_area):
    other = AreaFactory(name="Harehills")
    former = AreaFactory(name="Seacroft")
    AreaAssignmentFactory(
        area=former, user=relationship_manager, started_on=ago(100), ended_on=ago(10)
    )
    response = client_for(relationship_manager).get(reverse("support:my_areas"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beeston Hill" in html
    assert other.name not in html and former.name not in html


def test_home_sends_rm_to_my_work_with_their_follow_ups(client_for, relationship_manager, rm_area):
    contact = SupportContactFactory(area=rm_area, logged_by=relationship_manager)
    FollowUpFactory(contact=contact, action="Ring the council's early help lead")
    client = client_for(relationship_manager)

    response = client.get(reverse("home"))

    assert response["Location"] == reverse("mywork")
    page = client.get(response["Location"]).content.decode()
    assert "Ring the council&#x27;s early help lead" in page
    assert reverse("support:followup_list") in page


def test_rm_area_pages_404_for_other_areas(client_for, relationship_manager, other_area):
    client = client_for(relationship_manager)
    for name in ("support:area_support", "support:contact_log", "support:adviser_days"):
        assert client.get(reverse(name, args=[other_area.reference])).status_code == 404, name


def test_rm_area_pages_200_for_own_area(client_for, relationship_manager, rm_area):
    client = client_for(relationship_manager)
    for name in ("support:area_support", "support:contact_log", "support:adviser_days"):
        assert client.get(reverse(name, args=[rm_area.reference])).status_code == 200, name


def test_a_long_note_shows_its_start_and_opens_in_full(client_for, relationship_manager, rm_area):
    """Issue 25: the support page showed long notes in full, a screen each. A note over 600
    characters shows its first 400 and opens to the whole; a short one is shown whole."""
    long_note = "Met the steering group. " * 40  # 960 characters
    SupportContactFactory(area=rm_area, notes=long_note.strip())
    SupportContactFactory(area=rm_area, notes="Phoned the chair.")
    page = client_for(relationship_manager).get(
        reverse("support:area_support", args=[rm_area.reference])
    )
    text = page.content.decode()
    assert "Read the whole note (959 characters)" in text
    start = text.index('<div class="mb-2 long-note">')
    shown = text[start : text.index("<details>", start)]
    assert len(html.unescape(shown.split('<p class="mb-1">')[1].split("</p>")[0])) <= 400
    assert text.count(long_note.strip()) == 1  # the whole note once, inside the details
    assert '<p class="mb-2">Phoned the chair.</p>' in text


def test_funder_reads_support_record_but_cannot_log(client_for, funder_officer, area):
    client = client_for(funder_officer)
    assert client.get(reverse("support:area_support", args=[area.reference])).status_code == 200
    assert client.get(reverse("support:contact_log", args=[area.reference])).status_code == 403


def test_lead_user_sees_own_adviser_days_not_contacts(client_for, lead_user, area, other_area):
    AdviserDayFactory(area=area, adviser_name="Pat Consultant")
    AdviserEntitlementFactory(area=area, days=Decimal("2"))
    SupportContactFactory(area=area, notes="Private note about the chair")
    client = client_for(lead_user)
    response = client.get(reverse("support:adviser_days", args=[area.reference]))
    assert response.status_code == 200
    assert "Pat Consultant" in response.content.decode()
    assert "Book adviser time" not in response.content.decode()
    assert client.get(reverse("support:area_support", args=[area.reference])).status_code == 404
    other = reverse("support:adviser_days", args=[other_area.reference])
    assert client.get(other).status_code == 404
    detail = area_panel(client, area, "support")
    assert "Private note" not in detail
    assert "Adviser days" in detail
    # No place on the page for the recent contacts, and nothing at their panel's address.
    contacts = panel_url(area, "contacts")
    assert contacts not in client.get(area.get_absolute_url()).content.decode()
    assert "Private note" not in client.get(contacts, HTTP_HX_REQUEST="true").content.decode()


# --- RM start page: queries, sorting, filters -------------------------------------------------


@pytest.mark.parametrize("n", [5, 40])
def test_rm_start_page_fixed_queries(
    client_for, relationship_manager, n, django_assert_max_num_queries
):
    _areas_for(relationship_manager, n)
    client = client_for(relationship_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("support:my_areas"))
    assert response.status_code == 200
    assert response.context["total"] == n


def test_rm_start_page_shows_figures(client_for, relationship_manager):
    area = _areas_for(relationship_manager, 1)[0]
    row = client_for(relationship_manager).get(reverse("support:my_areas")).context["rows"][0]
    assert row["area"] == area
    assert row["days_since_contact"] == 0
    assert row["area"].open_risks == 0
    assert row["area"].open_followups == 1
    assert (row["area"].used_days, row["area"].entitlement_days) == (Decimal("0.5"), Decimal("1.5"))


def _refs(response):
    return [row["area"].reference for row in response.context["rows"]]


def test_rm_start_page_sorts_by_days_since_contact(client_for, relationship_manager):
    recent, old, never = (AreaFactory() for _ in range(3))
    for a in (recent, old, never):
        AreaAssignmentFactory(area=a, user=relationship_manager)
    SupportContactFactory(area=recent, date=ago(2))
    SupportContactFactory(area=old, date=ago(40))
    client = client_for(relationship_manager)
    url = reverse("support:my_areas")
    assert _refs(client.get(url, {"sort": "contact"})) == [
        recent.reference,
        old.reference,
        never.reference,
    ]
    assert _refs(client.get(url, {"sort": "-contact"})) == [
        never.reference,
        old.reference,
        recent.reference,
    ]


def test_rm_start_page_sorts_by_risks_and_days(client_for, relationship_manager):
    a, b = AreaFactory(), AreaFactory()
    for area in (a, b):
        AreaAssignmentFactory(area=area, user=relationship_manager)
    SupportContactFactory(area=b, high_risk=True)
    AdviserEntitlementFactory(area=a, days=Decimal("3"))
    AdviserDayFactory(area=a, days=Decimal("2"))
    client = client_for(relationship_manager)
    url = reverse("support:my_areas")
    assert _refs(client.get(url, {"sort": "-risks"}))[0] == b.reference
    assert _refs(client.get(url, {"sort": "-adviser_days"}))[0] == a.reference
    assert _refs(client.get(url, {"sort": "adviser_days"}))[0] == b.reference


def test_rm_start_page_filters(client_for, relationship_manager):
    other_round = RoundFactory()
    fresh = AreaFactory()
    stale = AreaFactory(round=other_round)
    risky = AreaFactory()
    AreaAssignmentFactory(area=fresh, user=relationship_manager)
    AreaAssignmentFactory(area=stale, user=relationship_manager)
    AreaAssignmentFactory(area=risky, user=relationship_manager)
    SupportContactFactory(area=fresh, date=ago(3))
    SupportContactFactory(area=stale, date=ago(31))
    SupportContactFactory(area=risky, date=ago(1), high_risk=True)
    SupportContactFactory(area=fresh, date=ago(50), resolved_risk=True)
    client = client_for(relationship_manager)
    url = reverse("support:my_areas")
    assert _refs(client.get(url, {"contact_overdue": "on"})) == [stale.reference]
    assert _refs(client.get(url, {"has_open_risks": "on"})) == [risky.reference]
    assert _refs(client.get(url, {"round": other_round.slug})) == [stale.reference]
    fresh.stage = AreaStage.GETTING_GOING
    fresh.save()
    assert _refs(client.get(url, {"stage": "getting_going"})) == [fresh.reference]


def test_overdue_shown_with_text_not_only_colour(client_for, relationship_manager, rm_area):
    SupportContactFactory(area=rm_area, date=ago(45))
    html = client_for(relationship_manager).get(reverse("support:my_areas")).content.decode()
    assert "Overdue" in html


# --- follow-ups -------------------------------------------------------------------------------


def test_followups_listed_until_done(client_for, relationship_manager, rm_area):
    open_one = FollowUpFactory(
        contact__area=rm_area, owner=relationship_manager, action="Ring chair"
    )
    late = FollowUpFactory(
        contact__area=rm_area, owner=relationship_manager, action="Send form", overdue=True
    )
    FollowUpFactory(contact__area=rm_area, action="Old thing", done=True)
    FollowUpFactory(action="Someone else's area")
    client = client_for(relationship_manager)
    response = client.get(reverse("support:followup_list"))
    html = response.content.decode()
    assert "Ring chair" in html and "Send form" in html
    assert "Old thing" not in html and "Someone else" not in html
    assert response.context["overdue_count"] == 1
    assert "Overdue" in html
    response = client.post(reverse("support:followup_done", args=[late.pk]), follow=True)
    assert "Marked done: Send form" in response.content.decode()
    html = client.get(reverse("support:followup_list")).content.decode()
    assert "Send form" not in html and "Ring chair" in html
    assert open_one.area == rm_area


def test_followup_done_404_for_other_area(client_for, relationship_manager):
    followup = FollowUpFactory()
    response = client_for(relationship_manager).post(
        reverse("support:followup_done", args=[followup.pk])
    )
    assert response.status_code == 404
    followup.refresh_from_db()
    assert followup.done_at is None


def test_followups_fixed_queries(client_for, relationship_manager, django_assert_max_num_queries):
    client = client_for(relationship_manager)
    for n in (3, 30):
        _areas_for(relationship_manager, n)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("support:followup_list"))
        assert len(response.context["followups"]) >= n


# --- log contact ------------------------------------------------------------------------------


def _contact_post(**extra):
    data = {
        "date": today().isoformat(),
        "kind": "visit",
        "duration_minutes": "60",
        "participants": "Chair",
        "notes": "Good meeting",
        "risk_level": "none",
        "risk_description": "",
        "followups-TOTAL_FORMS": "2",
        "followups-INITIAL_FORMS": "0",
        "followups-MIN_NUM_FORMS": "0",
        "followups-MAX_NUM_FORMS": "10",
        "followups-0-action": "Send template",
        "followups-0-due_on": (today() + datetime.timedelta(days=5)).isoformat(),
        "followups-0-owner": "",
        "followups-1-action": "",
        "followups-1-due_on": "",
        "followups-1-owner": "",
    }
    data.update(extra)
    return data


def test_log_contact_form(client_for, relationship_manager, rm_area):
    url = reverse("support:contact_log", args=[rm_area.reference])
    response = client_for(relationship_manager).post(url, _contact_post(), follow=True)
    assert "Contact with Beeston Hill logged." in response.content.decode()
    contact = SupportContact.objects.get(area=rm_area)
    assert contact.logged_by == relationship_manager
    assert FollowUp.objects.get(contact=contact).owner == relationship_manager


def test_log_contact_errors_next_to_fields(client_for, relationship_manager, rm_area):
    url = reverse("support:contact_log", args=[rm_area.reference])
    response = client_for(relationship_manager).post(
        url, _contact_post(risk_level="high", **{"followups-0-due_on": ""})
    )
    assert response.status_code == 200
    assert response.context["form"].errors["risk_description"]
    assert response.context["formset"][0].errors["due_on"]
    assert not SupportContact.objects.exists()


def test_rm_cannot_post_contact_for_other_area(client_for, relationship_manager, other_area):
    url = reverse("support:contact_log", args=[other_area.reference])
    assert client_for(relationship_manager).post(url, _contact_post()).status_code == 404
    assert not SupportContact.objects.exists()


# --- adviser days -----------------------------------------------------------------------------


def test_booking_refused_message_next_to_days(client_for, relationship_manager, rm_area):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("2.5"))
    AdviserDayFactory(area=rm_area, days=Decimal("2"))
    url = reverse("support:adviser_days", args=[rm_area.reference])
    response = client_for(relationship_manager).post(
        url,
        {
            "action": "book",
            "book-adviser": AdviserFactory(name="Sam").pk,
            "book-date": today().isoformat(),
            "book-days": "1.5",
        },
    )
    assert response.status_code == 200
    assert "3.5 days of its 2.5-day entitlement" in str(
        response.context["booking_form"].errors["days"]
    )
    assert AdviserDay.objects.filter(area=rm_area).count() == 1


def test_rm_cannot_raise_but_pm_can(client_for, relationship_manager, programme_manager, rm_area):
    url = reverse("support:adviser_days", args=[rm_area.reference])
    data = {"action": "raise", "raise-raise_days": "2", "raise-reason": "CBA consultancy"}
    assert client_for(relationship_manager).post(url, data).status_code == 403
    response = client_for(programme_manager).post(url, data, follow=True)
    assert "Entitlement raised by 2 days." in response.content.decode()
    assert rm_area.adviser_entitlements.get().days == Decimal("2")


# --- reassignment -----------------------------------------------------------------------------


def test_reassignment_page(client_for, programme_manager, relationship_manager, rm_area):
    rm2 = UserFactory(relationship_manager=True, first_name="Tom", last_name="Ainsworth")
    url = reverse("support:assignment", args=[rm_area.reference])
    client = client_for(programme_manager)
    response = client.post(url, {"user": rm2.pk, "started_on": today().isoformat()}, follow=True)
    html = response.content.decode()
    assert "Tom Ainsworth now looks after Beeston Hill." in html
    assert escape(str(relationship_manager)) in html  # the history keeps the previous RM
    assert AreaAssignment.objects.filter(area=rm_area).count() == 2


def test_rm_cannot_reassign(client_for, relationship_manager, rm_area):
    url = reverse("support:assignment", args=[rm_area.reference])
    client = client_for(relationship_manager)
    assert client.get(url).status_code == 200
    assert "Reassign" not in client.get(url).content.decode()
    response = client.post(url, {"user": relationship_manager.pk, "started_on": "2026-01-01"})
    assert response.status_code == 403


# --- events -----------------------------------------------------------------------------------


def test_event_create_invite_and_attendance(client_for, programme_manager):
    live = RoundFactory()
    a, b = AreaFactory(round=live), AreaFactory(round=live)
    AreaFactory()  # another round: not invited by "whole round"
    client = client_for(programme_manager)
    response = client.post(
        reverse("support:event_create"),
        {
            "title": "Regional hub: North",
            "kind": "peer_hub",
            "round": live.pk,
            "starts_at": f"{today() + datetime.timedelta(days=7):%Y-%m-%d}T10:00",
            "location": "Leeds Civic Hall",
        },
        follow=True,
    )
    assert "Regional hub: North created" in response.content.decode()
    event = response.context["event"]
    response = client.post(
        reverse("support:event_invite", args=[event.pk]) + f"?round={live.slug}",
        {"whole_round": "on"},
        follow=True,
    )
    assert "2 areas invited" in response.content.decode()
    assert set(EventInvitation.objects.filter(event=event).values_list("area", flat=True)) == {
        a.pk,
        b.pk,
    }
    invitations = list(event.invitations.order_by("area__reference"))
    response = client.post(
        reverse("support:attendance", args=[event.pk]),
        {
            "att-TOTAL_FORMS": "2",
            "att-INITIAL_FORMS": "2",
            "att-0-invitation": invitations[0].pk,
            "att-0-attended": "yes",
            "att-0-attendee_names": "Amy Lee",
            "att-1-invitation": invitations[1].pk,
            "att-1-attended": "no",
            "att-1-attendee_names": "",
        },
        follow=True,
    )
    assert "Attendance saved." in response.content.decode()
    invitations[0].refresh_from_db()
    invitations[1].refresh_from_db()
    assert invitations[0].attended is True and invitations[0].attendee_names == "Amy Lee"
    assert invitations[1].attended is False


def test_invite_requires_a_choice(client_for, programme_manager):
    event = EventFactory()
    response = client_for(programme_manager).post(
        reverse("support:event_invite", args=[event.pk]), {}
    )
    assert response.status_code == 200
    assert "Choose at least one area" in response.content.decode()


def test_funder_reads_events_but_cannot_create(client_for, funder_officer):
    event = EventInvitationFactory().event
    client = client_for(funder_officer)
    assert client.get(reverse("support:event_list")).status_code == 200
    assert client.get(reverse("support:event_detail", args=[event.pk])).status_code == 200
    assert client.get(reverse("support:event_create")).status_code == 403
    assert client.get(reverse("support:attendance", args=[event.pk])).status_code == 403


# --- area page panels -------------------------------------------------------------------------


def test_area_page_panels_for_rm(client_for, relationship_manager, rm_area):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("1.5"))
    AdviserDayFactory(area=rm_area, days=Decimal("1"))
    SupportContactFactory(area=rm_area, high_risk=True, notes="Visited the youth club")
    client = client_for(relationship_manager)
    sidebar = area_panel(client, rm_area, "support")
    contacts = area_panel(client, rm_area, "contacts")
    assert "1 used of 1.5" in sidebar
    assert "Visited the youth club" in contacts
    assert "Log contact" in sidebar
    assert "1 open risk" in contacts


def test_area_page_hides_record_from_other_rm(client_for, relationship_manager, other_area):
    SupportContactFactory(area=other_area, notes="Visited the youth club")
    client = client_for(relationship_manager)
    assert "Log contact" not in area_panel(client, other_area, "support")
    assert "Visited the youth club" not in area_panel(client, other_area, "contacts")


def test_lead_user_membership_fixture_sanity(lead_user, area):
    # guards the layered tests above: the lead user really belongs to `area`
    assert lead_user.memberships.filter(organisation=area.lead_organisation).exists()
    MembershipFactory  # noqa: B018


def test_invitations_can_be_narrowed_to_a_local_authority(client_for, programme_manager):
    live = RoundFactory()
    leeds = AreaFactory(round=live, local_authority="Leeds")
    AreaFactory(round=live, local_authority="Bradford")
    event = EventFactory(round=live)
    client = client_for(programme_manager)
    url = reverse("support:event_invite", args=[event.pk]) + f"?round={live.slug}&la=Leeds"
    page = client.get(url).content.decode()
    assert leeds.reference in page and "Bradford</label>" not in page
    assert "Invite every active area in the chosen round in Leeds" in page
    response = client.post(url, {"whole_round": "on"}, follow=True)
    assert "1 area invited" in response.content.decode()
    assert list(EventInvitation.objects.filter(event=event).values_list("area", flat=True)) == [
        leeds.pk
    ]


def test_open_risks_are_listed_one_by_one_not_joined_after_their_full_stops(
    client_for, relationship_manager, rm_area
):
    SupportContactFactory(
        area=rm_area, risk_level="high", risk_description="Match funding may not cover the budget."
    )
    SupportContactFactory(area=rm_area, risk_level="medium", risk_description="Chair stepping down")
    contacts = area_panel(client_for(relationship_manager), rm_area, "contacts")
    assert "2 open risks" in contacts
    assert ".;" not in contacts
    assert "<li><strong>High:</strong> Match funding may not cover the budget.</li>" in contacts
    assert "<li><strong>Medium:</strong> Chair stepping down</li>" in contacts


def test_the_follow_up_owner_list_has_me_once(client_for, relationship_manager, rm_area):
    colleague = UserFactory(relationship_manager=True, first_name="Cal", last_name="Colleague")
    url = reverse("support:contact_log", args=[rm_area.reference])
    response = client_for(relationship_manager).get(url)
    owners = response.context["formset"].forms[0].fields["owner"]
    assert owners.empty_label == "Me"
    assert relationship_manager not in owners.queryset and colleague in owners.queryset
    page = response.content.decode()
    assert f">{html.escape(relationship_manager.get_full_name())}</option>" not in page
