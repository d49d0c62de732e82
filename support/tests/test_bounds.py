"""Bounds and truths (issue 25) on the support record: a contact note has a length limit, shown
by the field with a counter, and a follow-up cannot be due in the past. What a user saw: a 180 KB
contact note accepted (the support page grew 29,042 px tall) and a follow-up due in 2019
accepted silently."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory
from core.testing import today
from core.text import NOTE_CHARS
from programmes.tests.factories import AreaFactory
from support.models import AdviserDay, FollowUp, SupportContact
from support.tests.factories import AdviserDayFactory, AdviserEntitlementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def rm_area(relationship_manager):
    area = AreaFactory(name="Beeston Hill")
    AreaAssignmentFactory(area=area, user=relationship_manager)
    return area


def _contact(**extra):
    data = {
        "date": today().isoformat(),
        "kind": "visit",
        "duration_minutes": "60",
        "participants": "Chair",
        "notes": "Good meeting",
        "risk_level": "none",
        "risk_description": "",
        "followups-TOTAL_FORMS": "1",
        "followups-INITIAL_FORMS": "0",
        "followups-MIN_NUM_FORMS": "0",
        "followups-MAX_NUM_FORMS": "10",
        "followups-0-action": "Send the template",
        "followups-0-due_on": (today() + datetime.timedelta(days=5)).isoformat(),
        "followups-0-owner": "",
    }
    data.update(extra)
    return data


def _log(client, area, **extra):
    return client.post(reverse("support:contact_log", args=[area.reference]), _contact(**extra))


def test_a_180_kb_contact_note_is_refused_by_the_field_and_nothing_is_saved(
    client_for, relationship_manager, rm_area
):
    note = "Long meeting notes. " * 8_999 + "The end, at last."  # about 180 KB
    response = _log(client_for(relationship_manager), rm_area, notes=note)

    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [
        f"Ensure this value has at most {NOTE_CHARS} characters (it has {len(note)})."
    ]
    page = response.content.decode()
    # The message is drawn by the field, and the field tells the browser its limit (the counter).
    assert 'id="error_1_id_notes"' in page
    assert f'maxlength="{NOTE_CHARS}"' in page
    assert not SupportContact.objects.exists()
    assert not FollowUp.objects.exists()


def test_a_note_at_the_limit_is_kept(client_for, relationship_manager, rm_area):
    note = "x" * NOTE_CHARS
    response = _log(client_for(relationship_manager), rm_area, notes=note)
    assert response.status_code == 302
    assert SupportContact.objects.get(area=rm_area).notes == note


def test_the_risk_description_is_bounded_too(client_for, relationship_manager, rm_area):
    response = _log(
        client_for(relationship_manager),
        rm_area,
        risk_level="high",
        risk_description="The board may fold. " * 100,
    )
    assert response.status_code == 200
    assert "at most 1000 characters" in str(response.context["form"].errors["risk_description"])
    assert not SupportContact.objects.exists()


def test_a_follow_up_due_in_2019_is_refused_by_its_date(client_for, relationship_manager, rm_area):
    response = _log(
        client_for(relationship_manager), rm_area, **{"followups-0-due_on": "2019-03-14"}
    )

    assert response.status_code == 200
    errors = response.context["formset"][0].errors["due_on"]
    assert errors == [f"This date must be today or later (today is {today():%-d %B %Y})."]
    assert "Give the action a due date." not in str(errors)
    assert "must be today or later" in response.content.decode()
    assert not SupportContact.objects.exists()
    assert not FollowUp.objects.exists()


def test_a_follow_up_due_yesterday_is_refused_and_today_is_kept(
    client_for, relationship_manager, rm_area
):
    client = client_for(relationship_manager)
    yesterday = today() - datetime.timedelta(days=1)
    response = _log(client, rm_area, **{"followups-0-due_on": yesterday.isoformat()})
    assert response.status_code == 200
    assert not FollowUp.objects.exists()

    response = _log(client, rm_area, **{"followups-0-due_on": today().isoformat()})
    assert response.status_code == 302
    assert FollowUp.objects.get().due_on == today()


def test_the_contact_itself_may_be_in_the_past(client_for, relationship_manager, rm_area):
    """What happened is recorded as it happened: only what is scheduled must lie ahead."""
    last_week = today() - datetime.timedelta(days=7)
    response = _log(client_for(relationship_manager), rm_area, date=last_week.isoformat())
    assert response.status_code == 302
    assert SupportContact.objects.get().date == last_week


def _booking_post(booking, **extra):
    data = {
        "adviser": booking.adviser_id,
        "date": booking.date.isoformat(),
        "days": "1",
        "description": "",
    }
    data.update(extra)
    return data


def test_a_booking_cannot_be_moved_into_the_past_but_may_keep_its_day(
    client_for, relationship_manager, rm_area
):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("5"))
    booking = AdviserDayFactory(area=rm_area, planned=True, days=Decimal("1"))
    client = client_for(relationship_manager)
    url = reverse("support:booking_edit", args=[booking.pk])

    response = client.post(url, _booking_post(booking, date="2019-03-14"))
    assert response.status_code == 200
    assert "must be today or later" in str(response.context["form"].errors["date"])
    booking.refresh_from_db()
    assert booking.date > today()

    # A booking whose day has passed (not yet marked delivered) can still have its days changed.
    past = today() - datetime.timedelta(days=2)
    AdviserDay.objects.filter(pk=booking.pk).update(date=past)
    booking.refresh_from_db()
    response = client.post(url, _booking_post(booking, days="1.5"))
    assert response.status_code == 302, response.context["form"].errors
    booking.refresh_from_db()
    assert (booking.date, booking.days) == (past, Decimal("1.5"))
