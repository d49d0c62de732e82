"""Dates that make sense: bookings, events and relationship-manager assignments fall within the
round's window (opening day to two years after its end); the issue's 1900, 2999 and 2100 dates
are refused with a message by the field, and nothing is written."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AreaAssignment
from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from programmes.tests.factories import AreaFactory, RoundFactory
from support import services
from support.dates import AFTERCARE
from support.models import AdviserDay, Event
from support.tests.factories import AdviserEntitlementFactory, AdviserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_round():
    """A day before the round below opens: its dates are all ahead, so what refuses them here
    is the round's window (a past date is refused first, by core.text.DatesAhead)."""
    noon = datetime.datetime(2025, 12, 1, 12, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def round_():
    return RoundFactory(
        opens_on=datetime.date(2026, 1, 6),
        closes_on=datetime.date(2026, 3, 28),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )


@pytest.fixture
def rm_area(round_, relationship_manager):
    area = AreaFactory(round=round_)
    AreaAssignmentFactory(area=area, user=relationship_manager, started_on=round_.starts_on)
    AdviserEntitlementFactory(area=area, days=Decimal("5"))
    return area


def _book(client, area, date):
    return client.post(
        reverse("support:adviser_days", args=[area.reference]),
        {
            "action": "book",
            "book-adviser": AdviserFactory(name="Sam").pk,
            "book-date": date,
            "book-days": "1",
        },
    )


@pytest.mark.parametrize("date", ["2999-12-31", "2025-12-31"])
def test_booking_outside_the_round_is_refused_by_the_date(
    client_for, relationship_manager, rm_area, date
):
    response = _book(client_for(relationship_manager), rm_area, date)
    assert response.status_code == 200
    message = str(response.context["booking_form"].errors["date"])
    assert "must be between 06 Jan 2026 and" in message
    assert not AdviserDay.objects.filter(area=rm_area).exists()


def test_booking_in_1900_is_refused_as_past(client_for, relationship_manager, rm_area):
    response = _book(client_for(relationship_manager), rm_area, "1900-01-01")
    assert response.status_code == 200
    message = str(response.context["booking_form"].errors["date"])
    assert "This date must be today or later (today is 1 December 2025)." in message
    assert not AdviserDay.objects.filter(area=rm_area).exists()


def test_event_in_1900_is_refused_as_past(client_for, programme_manager, round_):
    response = client_for(programme_manager).post(
        reverse("support:event_create"),
        {
            "title": "Induction",
            "kind": "induction",
            "round": round_.pk,
            "starts_at": "1900-01-01T10:00",
        },
    )
    assert response.status_code == 200
    assert "must be today or later" in str(response.context["form"].errors["starts_at"])
    assert not Event.objects.exists()


def test_booking_within_the_round_and_its_aftercare_is_accepted(
    client_for, relationship_manager, rm_area, round_
):
    client = client_for(relationship_manager)
    assert _book(client, rm_area, "2026-01-06").status_code == 302
    last = round_.ends_on + AFTERCARE
    assert _book(client, rm_area, last.isoformat()).status_code == 302
    assert (
        _book(client, rm_area, (last + datetime.timedelta(days=1)).isoformat()).status_code == 200
    )
    assert AdviserDay.objects.filter(area=rm_area).count() == 2


@pytest.mark.parametrize("starts_at", ["2999-06-01T10:00"])
def test_event_outside_its_round_is_refused_by_the_start(
    client_for, programme_manager, round_, starts_at
):
    response = client_for(programme_manager).post(
        reverse("support:event_create"),
        {"title": "Induction", "kind": "induction", "round": round_.pk, "starts_at": starts_at},
    )
    assert response.status_code == 200
    assert "must be between 06 Jan 2026" in str(response.context["form"].errors["starts_at"])
    assert not Event.objects.exists()


def test_event_for_every_round_must_fall_within_some_round(programme_manager, round_):
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=programme_manager,
            title="Webinar",
            kind="webinar",
            starts_at=datetime.datetime(1900, 1, 1, 10, tzinfo=datetime.UTC),
        )
    assert "the programme's rounds" in exc.value.message_dict["starts_at"][0]
    event = services.event_create(
        actor=programme_manager,
        title="Webinar",
        kind="webinar",
        starts_at=datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC),
    )
    assert event.pk


def test_assignment_from_2100_is_refused_by_the_start(
    client_for, programme_manager, relationship_manager, rm_area
):
    rm2 = UserFactory(relationship_manager=True)
    response = client_for(programme_manager).post(
        reverse("support:assignment", args=[rm_area.reference]),
        {"user": rm2.pk, "started_on": "2100-01-01"},
    )
    assert response.status_code == 200
    assert "must be between" in str(response.context["form"].errors["started_on"])
    current = AreaAssignment.objects.get(area=rm_area, ended_on__isnull=True)
    assert current.user == relationship_manager
    assert AreaAssignment.objects.filter(area=rm_area).count() == 1


def test_assignment_within_the_round_is_accepted(programme_manager, rm_area):
    rm2 = UserFactory(relationship_manager=True)
    new = services.assignment_change(
        area=rm_area, user=rm2, actor=programme_manager, started_on=datetime.date(2026, 6, 1)
    )
    assert new.started_on == datetime.date(2026, 6, 1)
