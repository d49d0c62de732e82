"""Filling in and submitting a return: obstacles for areas behind, enablers for areas on
schedule or ahead, "other" needs text, permissions and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from activity.models import ActivityEntry, Notification, Visibility
from core.testing import today
from delivery.models import Factor, ReturnFactor, ReturnStatus
from delivery.services import return_save, return_submit

from .factories import ProgressReturnFactory

# What is due or overdue depends on the day: hold it still for each test.
pytestmark = pytest.mark.usefixtures("clock")

OB = "obstacle"
EN = "enabler"


def f(factor, kind, other_text=""):
    return {"factor": factor, "kind": kind, "other_text": other_text}


@pytest.fixture
def ret(impl_area):
    return ProgressReturnFactory(area=impl_area)


def save(ret, user, status, factors, **extra):
    return return_save(
        progress_return=ret, actor=user, progress_status=status, factors=factors, **extra
    )


def test_behind_with_obstacles_is_saved(ret, impl_lead):
    save(ret, impl_lead, "behind", [f(Factor.STAFF_SKILLS, OB), f(Factor.OTHER, OB, "Flooding")])
    labels = sorted(x.label for x in ret.factors.all())
    assert labels == ["Availability of staff skills and resources", "Other: Flooding"]


def test_behind_with_enablers_is_refused(ret, impl_lead):
    with pytest.raises(ValidationError) as exc:
        save(ret, impl_lead, "behind", [f(Factor.RESIDENTS, EN)])
    assert "choose the obstacles" in str(exc.value)
    assert not ReturnFactor.objects.exists()


@pytest.mark.parametrize("status", ["on_schedule", "ahead"])
def test_on_schedule_or_ahead_with_obstacles_is_refused(ret, impl_lead, status):
    with pytest.raises(ValidationError) as exc:
        save(ret, impl_lead, status, [f(Factor.LEADERSHIP, OB)])
    assert "choose the enablers" in str(exc.value)


@pytest.mark.parametrize("status", ["on_schedule", "ahead"])
def test_on_schedule_or_ahead_with_enablers_is_saved(ret, impl_lead, status):
    save(ret, impl_lead, status, [f(Factor.LEADERSHIP, EN)])
    assert ret.factors.get().kind == EN


def test_other_needs_a_description(ret, impl_lead):
    with pytest.raises(ValidationError) as exc:
        save(ret, impl_lead, "ahead", [f(Factor.OTHER, EN, "  ")])
    assert "other_enabler" in exc.value.error_dict


def test_database_refuses_other_without_text(ret):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnFactor.objects.create(progress_return=ret, factor=Factor.OTHER, kind=OB)


def test_draft_may_leave_status_and_factors_empty(ret, impl_lead):
    save(ret, impl_lead, "", [], service_users_reached=12)
    ret.refresh_from_db()
    assert ret.service_users_reached == 12 and ret.status == ReturnStatus.DRAFT


def test_negative_service_users_refused(ret, impl_lead):
    with pytest.raises(ValidationError):
        save(ret, impl_lead, "", [], service_users_reached=-1)


def test_submit_needs_a_status_and_a_matching_factor(ret, impl_lead):
    with pytest.raises(ValidationError) as exc:
        return_submit(progress_return=ret, actor=impl_lead)
    assert "progress_status" in exc.value.error_dict
    save(ret, impl_lead, "behind", [])
    with pytest.raises(ValidationError) as exc:
        return_submit(progress_return=ret, actor=impl_lead)
    assert "at least one obstacle" in str(exc.value)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT


def test_submit_records_the_activity_and_notifies_the_relationship_manager(ret, impl_lead, impl_rm):
    save(ret, impl_lead, "on_schedule", [f(Factor.GOVERNANCE, EN)], steering_group_meeting=True)
    return_submit(progress_return=ret, actor=impl_lead)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    assert ret.submitted_by == impl_lead and ret.submitted_at is not None
    entry = ActivityEntry.objects.get(verb="progress_return.submitted")
    assert entry.visibility == Visibility.AREA and entry.area == ret.area
    assert "on schedule" in entry.summary and "late" not in entry.summary
    assert Notification.objects.filter(recipient=impl_rm, entry=entry).exists()


def test_late_submission_is_marked_late(impl_area, impl_lead):
    ret = ProgressReturnFactory(area=impl_area, overdue=True)
    save(ret, impl_lead, "behind", [f(Factor.MANAGEMENT, OB)])
    return_submit(progress_return=ret, actor=impl_lead)
    assert "(late)" in ActivityEntry.objects.get(verb="progress_return.submitted").summary


def test_submitted_return_cannot_be_changed_or_submitted_again(ret, impl_lead):
    save(ret, impl_lead, "ahead", [f(Factor.RESIDENTS, EN)])
    return_submit(progress_return=ret, actor=impl_lead)
    with pytest.raises(PermissionDenied):
        return_submit(progress_return=ret, actor=impl_lead)
    with pytest.raises(PermissionDenied):
        save(ret, impl_lead, "behind", [f(Factor.RESIDENTS, OB)])


def test_cannot_submit_before_the_period_starts(impl_area, impl_lead):
    start = today() + datetime.timedelta(days=5)
    ret = ProgressReturnFactory(
        area=impl_area,
        period_start=start,
        period_end=start + datetime.timedelta(days=90),
        due_on=start + datetime.timedelta(days=120),
    )
    save(ret, impl_lead, "ahead", [f(Factor.RESIDENTS, EN)])
    with pytest.raises(ValidationError):
        return_submit(progress_return=ret, actor=impl_lead, today=today())


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "other_lead"])
def test_read_only_roles_and_other_areas_cannot_save(request, ret, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        save(ret, user, "ahead", [f(Factor.RESIDENTS, EN)])


def test_programme_manager_may_fill_in_for_the_area(ret, programme_manager):
    save(ret, programme_manager, "ahead", [f(Factor.RESIDENTS, EN)])
    return_submit(progress_return=ret, actor=programme_manager)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
