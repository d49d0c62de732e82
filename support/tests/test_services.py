import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AreaAssignment
from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import ActivityEntry, Visibility
from core.testing import today
from programmes.tests.factories import AreaFactory
from support import services
from support.models import AdviserDay, ContactKind, EventInvitation, FollowUp, RiskLevel
from support.tests.factories import (
    AdviserDayFactory,
    AdviserEntitlementFactory,
    AdviserFactory,
    EventFactory,
    EventInvitationFactory,
    FollowUpFactory,
    SupportContactFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def rm_area(relationship_manager):
    area = AreaFactory()
    AreaAssignmentFactory(area=area, user=relationship_manager)
    return area


def test_entitlement_add_keeps_rows_and_writes_area_visible_activity(area, programme_manager):
    services.entitlement_add(
        area=area, days=Decimal("1.5"), reason="Getting Ready allowance", actor=programme_manager
    )
    services.entitlement_add(area=area, days=Decimal("5"), reason="CBA consultancy", actor=None)
    assert [e.days for e in area.adviser_entitlements.order_by("pk")] == [
        Decimal("1.5"),
        Decimal("5"),
    ]
    entry = ActivityEntry.objects.filter(verb="support.entitlement_added").first()
    assert entry.visibility == Visibility.AREA
    assert entry.area == area


def test_entitlement_add_refuses_zero_days(area, programme_manager):
    with pytest.raises(ValidationError):
        services.entitlement_add(area=area, days=Decimal("0"), reason="x", actor=programme_manager)


def test_imported_entitlement_keeps_its_date(area):
    when = timezone.now() - datetime.timedelta(days=400)
    e = services.entitlement_add(
        area=area,
        days=Decimal("1"),
        reason="Pilot allowance",
        actor=None,
        occurred_at=when,
        imported=True,
    )
    assert e.granted_at == when and e.imported
    assert ActivityEntry.objects.get(verb="support.entitlement_added").occurred_at == when


def test_booking_refused_beyond_entitlement_with_clear_message(rm_area, relationship_manager):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("2.5"))
    AdviserDayFactory(area=rm_area, days=Decimal("2"))
    with pytest.raises(ValidationError) as exc:
        services.adviser_days_book(
            area=rm_area,
            adviser=AdviserFactory(name="Sam"),
            date=today(),
            days=Decimal("1.5"),
            actor=relationship_manager,
        )
    assert exc.value.message_dict["days"] == [
        "This booking would take the area to 3.5 days of its 2.5-day entitlement "
        "(delivered and planned); ask a programme manager to raise it."
    ]
    assert AdviserDay.objects.filter(area=rm_area).count() == 1


def test_booking_allowed_after_a_raise(rm_area, relationship_manager, programme_manager):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("1.5"))
    kwargs = {
        "area": rm_area,
        "adviser": AdviserFactory(name="Sam"),
        "date": today(),
        "actor": relationship_manager,
    }
    services.adviser_days_book(days=Decimal("1.5"), **kwargs)
    with pytest.raises(ValidationError):
        services.adviser_days_book(days=Decimal("1"), **kwargs)
    services.entitlement_raise(
        area=rm_area, days=Decimal("2"), reason="Extra consultancy", actor=programme_manager
    )
    booking = services.adviser_days_book(days=Decimal("1"), **kwargs)
    assert booking.pk
    # Booked for today, not delivered yet: planned, not used.
    assert services.adviser_days_totals(area=rm_area) == (
        Decimal("3.5"),
        Decimal("0"),
        Decimal("2.5"),
    )


def test_only_programme_managers_raise_entitlement(rm_area, relationship_manager):
    with pytest.raises(PermissionDenied):
        services.entitlement_raise(
            area=rm_area, days=Decimal("1"), reason="Please", actor=relationship_manager
        )


def test_rm_cannot_book_for_an_area_they_do_not_look_after(relationship_manager, other_area):
    AdviserEntitlementFactory(area=other_area, days=Decimal("3"))
    with pytest.raises(PermissionDenied):
        services.adviser_days_book(
            area=other_area,
            adviser=AdviserFactory(name="Sam"),
            date=today(),
            days=Decimal("1"),
            actor=relationship_manager,
        )


def test_booking_days_out_of_range_refused(rm_area, relationship_manager):
    AdviserEntitlementFactory(area=rm_area, days=Decimal("10"))
    with pytest.raises(ValidationError):
        services.adviser_days_book(
            area=rm_area,
            adviser=AdviserFactory(name="Sam"),
            date=today(),
            days=Decimal("5.5"),
            actor=relationship_manager,
        )


def test_adviser_day_database_constraint():
    with pytest.raises(IntegrityError), transaction.atomic():
        AdviserDayFactory(days=Decimal("0"))


def test_reassignment_keeps_history(rm_area, relationship_manager, programme_manager):
    rm2 = UserFactory(relationship_manager=True)
    start = today()
    new = services.assignment_change(area=rm_area, user=rm2, actor=programme_manager)
    history = list(AreaAssignment.objects.filter(area=rm_area).order_by("pk"))
    assert [a.user for a in history] == [relationship_manager, rm2]
    assert history[0].ended_on == start and history[1].ended_on is None
    assert new == history[1]
    assert ActivityEntry.objects.filter(verb="support.relationship_manager_changed").exists()


def test_reassignment_refused_for_rm_and_for_same_person(
    rm_area, relationship_manager, programme_manager
):
    with pytest.raises(PermissionDenied):
        services.assignment_change(
            area=rm_area, user=UserFactory(relationship_manager=True), actor=relationship_manager
        )
    with pytest.raises(ValidationError):
        services.assignment_change(area=rm_area, user=relationship_manager, actor=programme_manager)
    with pytest.raises(ValidationError):
        services.assignment_change(area=rm_area, user=UserFactory(), actor=programme_manager)


def test_reassigned_rm_loses_access(rm_area, relationship_manager, programme_manager):
    services.assignment_change(
        area=rm_area, user=UserFactory(relationship_manager=True), actor=programme_manager
    )
    relationship_manager._support_current_area_ids = None
    with pytest.raises(PermissionDenied):
        services.contact_log(area=rm_area, actor=relationship_manager, date=today(), kind="call")


def test_one_current_assignment_constraint_holds(rm_area):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaAssignmentFactory(area=rm_area)


def test_contact_log_with_followups_and_risk(rm_area, relationship_manager, programme_manager):
    contact = services.contact_log(
        area=rm_area,
        actor=relationship_manager,
        date=today(),
        kind=ContactKind.VISIT,
        duration_minutes=90,
        participants="Chair and treasurer",
        notes="Walked the estate.",
        risk_level=RiskLevel.HIGH,
        risk_description="Match funding withdrawn.",
        followups=[
            {"action": "Chase the council", "due_on": today()},
            {
                "action": "Review budget",
                "due_on": today(),
                "owner": programme_manager,
            },
        ],
    )
    assert contact.risk_is_open
    assert {(f.action, f.owner) for f in FollowUp.objects.filter(contact=contact)} == {
        ("Chase the council", relationship_manager),
        ("Review budget", programme_manager),
    }
    entry = ActivityEntry.objects.get(verb="support.contact_logged")
    assert entry.visibility == Visibility.STAFF
    assert "high risk" in entry.summary
    assert programme_manager.notifications.count() == 1


def test_contact_risk_needs_a_description(rm_area, relationship_manager):
    with pytest.raises(ValidationError):
        services.contact_log(
            area=rm_area,
            actor=relationship_manager,
            date=today(),
            kind="call",
            risk_level=RiskLevel.MEDIUM,
        )


def test_rm_cannot_log_for_other_area_but_pm_can(relationship_manager, programme_manager, area):
    with pytest.raises(PermissionDenied):
        services.contact_log(area=area, actor=relationship_manager, date=today(), kind="call")
    assert services.contact_log(area=area, actor=programme_manager, date=today(), kind="call").pk


def test_funder_cannot_log(area, funder_officer):
    with pytest.raises(PermissionDenied):
        services.contact_log(area=area, actor=funder_officer, date=today(), kind="call")


def test_followup_complete_once(rm_area, relationship_manager):
    followup = FollowUpFactory(contact__area=rm_area, owner=relationship_manager)
    services.followup_complete(followup=followup, actor=relationship_manager)
    followup.refresh_from_db()
    assert followup.done_at is not None and followup.done_by == relationship_manager
    with pytest.raises(ValidationError):
        services.followup_complete(followup=followup, actor=relationship_manager)


def test_followup_overdue_flag():
    assert FollowUpFactory.build(overdue=True).is_overdue()
    assert not FollowUpFactory.build().is_overdue()
    assert not FollowUpFactory.build(overdue=True, done=True).is_overdue()


def test_risk_resolve(rm_area, relationship_manager):
    contact = SupportContactFactory(area=rm_area, high_risk=True)
    services.risk_resolve(contact=contact, actor=relationship_manager)
    contact.refresh_from_db()
    assert not contact.risk_is_open
    with pytest.raises(ValidationError):
        services.risk_resolve(contact=contact, actor=relationship_manager)


def test_a_risk_resolution_note_over_its_limit_is_refused(rm_area, relationship_manager):
    contact = SupportContactFactory(area=rm_area, high_risk=True)
    with pytest.raises(ValidationError) as refused:
        services.risk_resolve(contact=contact, actor=relationship_manager, note="N" * 1001)
    assert "at most 1000 characters" in refused.value.message_dict["note"][0]
    contact.refresh_from_db()
    assert contact.risk_is_open


def test_event_invite_is_unique_per_area(programme_manager):
    event = services.event_create(
        actor=programme_manager,
        title="Induction",
        kind="induction",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    a, b = AreaFactory(), AreaFactory()
    first = services.event_invite(event=event, areas=[a], actor=programme_manager)
    second = services.event_invite(event=event, areas=[a, b, b], actor=programme_manager)
    assert [i.area for i in first] == [a]
    assert [i.area for i in second] == [b]
    assert EventInvitation.objects.filter(event=event).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        EventInvitationFactory(event=event, area=a)


def test_lead_user_cannot_create_events(lead_user):
    with pytest.raises(PermissionDenied):
        services.event_create(actor=lead_user, title="x", kind="webinar", starts_at=timezone.now())


def test_attendance_record(programme_manager):
    invitation = EventInvitationFactory(event=EventFactory(past=True))
    assert invitation.attended is None
    services.attendance_record(
        invitation=invitation, attended=True, attendee_names="Amy, Bo", actor=programme_manager
    )
    invitation.refresh_from_db()
    assert invitation.attended is True and invitation.attendee_names == "Amy, Bo"
    with pytest.raises(ValidationError):
        services.attendance_record(
            invitation=invitation, attended=False, attendee_names="Amy", actor=programme_manager
        )
    entry = ActivityEntry.objects.get(verb="support.event_attendance")
    assert entry.area == invitation.area and entry.visibility == Visibility.AREA
