"""Adviser-day bookings planned against delivered, changed and cancelled through the services,
and the list of advisers staff keep (issue 14: a booking in the future counted as used, could not
be edited or cancelled, and named its adviser in free text)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, MembershipFactory, UserFactory
from activity.models import ActivityEntry
from core.testing import today
from core.workflow import MoveRefused
from programmes.tests.factories import AreaFactory
from support import services
from support.models import Adviser, AdviserDay
from support.selectors import rm_areas
from support.tests.factories import AdviserDayFactory, AdviserEntitlementFactory, AdviserFactory
from support.workflows import BookingStatus

# Bookings are planned or delivered by their date against today: hold the day still.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def rm_area(db, relationship_manager):
    area = AreaFactory()
    AreaAssignmentFactory(area=area, user=relationship_manager)
    AdviserEntitlementFactory(area=area, days=Decimal("3"))
    return area


@pytest.fixture
def sam(db):
    return AdviserFactory(name="Sam Adviser")


def _next_week():
    return today() + datetime.timedelta(days=7)


def _book(area, user, adviser, date=None, days="1"):
    """Book `days` of `adviser` for `area`, next week unless `date` says otherwise."""
    return services.adviser_days_book(
        area=area, adviser=adviser, date=date or _next_week(), days=Decimal(days), actor=user
    )


def test_a_booking_in_the_future_is_planned_not_used(
    client_for, rm_area, relationship_manager, sam
):
    booking = _book(rm_area, relationship_manager, sam)
    assert booking.status == BookingStatus.PLANNED
    totals = services.adviser_days_totals(area=rm_area)
    assert (totals.delivered, totals.planned, totals.remaining, totals.available) == (
        Decimal("0"),
        Decimal("1"),
        Decimal("3"),
        Decimal("2"),
    )
    row = rm_areas(user=relationship_manager).get(pk=rm_area.pk)
    assert (row.used_days, row.planned_days) == (Decimal("0"), Decimal("1"))
    page = client_for(relationship_manager).get(
        reverse("support:adviser_days", args=[rm_area.reference])
    )
    assert (page.context["used"], page.context["planned"]) == (Decimal("0"), Decimal("1"))
    text = page.content.decode()
    assert "Sam Adviser" in text and "Used (delivered)" in text
    # Not delivered before its date: no button yet.
    assert "Mark delivered" not in text


def test_planned_days_still_cap_what_can_be_booked(rm_area, relationship_manager, sam):
    _book(rm_area, relationship_manager, sam, days="2.5")
    with pytest.raises(ValidationError) as exc:
        _book(rm_area, relationship_manager, sam, days="1")
    assert "3.5 days of its 3-day entitlement (delivered and planned)" in str(exc.value)


def test_delivered_on_or_after_its_date_and_then_used(rm_area, relationship_manager, sam):
    booking = _book(rm_area, relationship_manager, sam)
    with pytest.raises(MoveRefused) as refused:
        services.adviser_day_deliver(booking=booking, actor=relationship_manager, today=today())
    assert "mark it delivered on or after that day" in refused.value.reason
    services.adviser_day_deliver(booking=booking, actor=relationship_manager, today=_next_week())
    assert booking.status == BookingStatus.DELIVERED
    assert services.adviser_days_totals(area=rm_area).delivered == Decimal("1")
    assert ActivityEntry.objects.filter(verb="support.adviser_day_delivered").exists()


def test_mark_delivered_from_the_page_once_the_date_has_passed(
    client_for, rm_area, relationship_manager
):
    booking = AdviserDayFactory(area=rm_area, planned=True, date=today())
    client = client_for(relationship_manager)
    page = client.get(reverse("support:adviser_days", args=[rm_area.reference]))
    assert "Mark delivered" in page.content.decode()
    response = client.post(reverse("support:booking_move", args=[booking.pk, "deliver"]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DELIVERED


def test_a_planned_booking_is_changed_through_its_page(
    client_for, rm_area, relationship_manager, sam
):
    booking = _book(rm_area, relationship_manager, sam)
    pat = AdviserFactory(name="Pat Consultant")
    url = reverse("support:booking_edit", args=[booking.pk])
    client = client_for(relationship_manager)
    assert client.get(url).status_code == 200
    later = _next_week() + datetime.timedelta(days=3)
    response = client.post(
        url, {"adviser": pat.pk, "date": later.isoformat(), "days": "1.5", "description": "CBA"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.adviser, booking.date, booking.days) == (pat, later, Decimal("1.5"))
    entry = ActivityEntry.objects.get(verb="support.adviser_day_changed")
    assert "Sam Adviser" in entry.summary and "Pat Consultant" in entry.summary


def test_a_change_is_held_to_the_entitlement_without_counting_itself(
    rm_area, relationship_manager, sam
):
    booking = _book(rm_area, relationship_manager, sam, days="2")
    services.adviser_day_update(
        booking=booking, actor=relationship_manager, adviser=sam, date=_next_week(), days="3"
    )
    with pytest.raises(ValidationError):
        services.adviser_day_update(
            booking=booking, actor=relationship_manager, adviser=sam, date=_next_week(), days="3.5"
        )


def test_delivered_and_cancelled_bookings_are_not_changed(rm_area, relationship_manager, sam):
    delivered = AdviserDayFactory(area=rm_area, adviser=sam)
    with pytest.raises(ValidationError):
        services.adviser_day_update(
            booking=delivered, actor=relationship_manager, adviser=sam, date=today(), days="1"
        )
    with pytest.raises(MoveRefused):
        services.adviser_day_cancel(booking=delivered, actor=relationship_manager)


def test_cancelling_frees_the_days(client_for, rm_area, relationship_manager, sam):
    booking = _book(rm_area, relationship_manager, sam, days="3")
    response = client_for(relationship_manager).post(
        reverse("support:booking_move", args=[booking.pk, "cancel"]), {"reason": "Ill"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_reason == "Ill"
    assert services.adviser_days_totals(area=rm_area).available == Decimal("3")
    assert ActivityEntry.objects.get(verb="support.adviser_day_cancelled").reason == "Ill"
    _book(rm_area, relationship_manager, sam, days="3")


def test_only_the_areas_rm_or_a_manager_changes_bookings(rm_area, relationship_manager, sam):
    booking = _book(rm_area, relationship_manager, sam)
    other_rm = UserFactory(relationship_manager=True)
    with pytest.raises(PermissionDenied):
        services.adviser_day_cancel(booking=booking, actor=other_rm)
    with pytest.raises(PermissionDenied):
        services.adviser_day_update(
            booking=booking, actor=other_rm, adviser=sam, date=_next_week(), days="1"
        )


def test_a_lead_sees_but_cannot_change_bookings(client_for, rm_area, relationship_manager, sam):
    booking = _book(rm_area, relationship_manager, sam)
    lead = UserFactory()
    MembershipFactory(user=lead, organisation=rm_area.lead_organisation)
    client = client_for(lead)
    page = client.get(reverse("support:adviser_days", args=[rm_area.reference]))
    assert page.status_code == 200 and "Cancel booking" not in page.content.decode()
    response = client.post(reverse("support:booking_move", args=[booking.pk, "cancel"]))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PLANNED


# The list of advisers ---------------------------------------------------------------------------


def test_an_adviser_off_the_list_cannot_be_booked(client_for, rm_area, relationship_manager, sam):
    gone = AdviserFactory(name="Gone Consulting", active=False)
    page = client_for(relationship_manager).get(
        reverse("support:adviser_days", args=[rm_area.reference])
    )
    choices = list(page.context["booking_form"].fields["adviser"].queryset)
    assert sam in choices and gone not in choices
    with pytest.raises(ValidationError) as exc:
        _book(rm_area, relationship_manager, gone)
    assert "no longer on the list" in str(exc.value)


def test_programme_managers_keep_the_list(client_for, programme_manager, relationship_manager):
    url = reverse("support:adviser_list")
    client = client_for(programme_manager)
    response = client.post(url, {"name": "Ruth Baker", "organisation": "RBA", "active": "on"})
    assert response.status_code == 302
    ruth = Adviser.objects.get(name="Ruth Baker")
    response = client.post(url, {"name": "ruth  baker", "active": "on"})
    assert response.status_code == 200
    assert "already on the list" in str(response.context["form"].errors["name"])
    response = client.post(reverse("support:adviser_edit", args=[ruth.pk]), {"name": "Ruth Baker"})
    assert response.status_code == 302
    ruth.refresh_from_db()
    assert not ruth.active
    # Relationship managers read the list; they do not change it.
    rm = client_for(relationship_manager)
    page = rm.get(url)
    assert page.status_code == 200 and "Ruth Baker" in page.content.decode()
    assert "Add an adviser" not in page.content.decode()
    assert rm.post(url, {"name": "Someone", "active": "on"}).status_code == 403
    assert rm.get(reverse("support:adviser_edit", args=[ruth.pk])).status_code == 403


# The data migration -----------------------------------------------------------------------------


def _support_migration(suffix):
    loader = MigrationExecutor(connection).loader
    return next(
        key for key in loader.disk_migrations if key[0] == "support" and key[1].endswith(suffix)
    )


@pytest.mark.django_db(transaction=True)
def test_free_text_advisers_become_the_list():
    area = AreaFactory()
    before = _support_migration("adviser_list_and_booking_status")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("support")[0]
    call_command("migrate", "support", before[1], verbosity=0)
    try:
        apps = MigrationExecutor(connection).loader.project_state(before).apps
        OldDay = apps.get_model("support", "AdviserDay")
        for name, date in [
            ("Ruth Baker Associates", today() - datetime.timedelta(days=30)),
            ("ruth baker associates ", today() - datetime.timedelta(days=3)),
            ("Anita Patel", today() + datetime.timedelta(days=10)),
        ]:
            OldDay.objects.create(area_id=area.pk, adviser_name=name, date=date, days=1)
    finally:
        call_command("migrate", "support", latest[1], verbosity=0)
    assert sorted(Adviser.objects.values_list("name", flat=True)) == [
        "Anita Patel",
        "Ruth Baker Associates",
    ]
    days = {(d.adviser.name, d.status) for d in AdviserDay.objects.select_related("adviser")}
    assert days == {
        ("Ruth Baker Associates", BookingStatus.DELIVERED),
        ("Anita Patel", BookingStatus.PLANNED),
    }


def test_one_day_is_a_day_on_the_page_and_in_the_record(
    client_for, relationship_manager, sam, programme_manager
):
    area = AreaFactory()
    AreaAssignmentFactory(area=area, user=relationship_manager)
    AdviserEntitlementFactory(area=area, days=Decimal("1"))
    client = client_for(relationship_manager)
    url = reverse("support:adviser_days", args=[area.reference])
    text = " ".join(client.get(url).content.decode().split())
    assert '<div class="display-6">1</div><div class="small">day</div>' in text
    assert '1</div><div class="small">days' not in text
    booking = _book(area, relationship_manager, sam)
    services.adviser_day_cancel(booking=booking, actor=relationship_manager, reason="Ill")
    entry = ActivityEntry.objects.get(verb="support.adviser_day_cancelled")
    assert "(1 day) cancelled" in entry.summary
    assert services.days_phrase(Decimal("1.5")) == "1.5 days"
    assert services.days_phrase(Decimal("2")) == "2 days"


def test_a_cancel_reason_over_its_limit_is_refused_never_cut(relationship_manager, sam):
    """It was cut to its first 300 characters without a word."""
    area = AreaFactory()
    AreaAssignmentFactory(area=area, user=relationship_manager)
    AdviserEntitlementFactory(area=area, days=Decimal("1"))
    booking = _book(area, relationship_manager, sam)
    with pytest.raises(ValidationError) as refused:
        services.adviser_day_cancel(booking=booking, actor=relationship_manager, reason="C" * 301)
    assert "at most 300 characters (it has 301)" in refused.value.message_dict["reason"][0]
    booking.refresh_from_db()
    assert booking.status != "cancelled"
