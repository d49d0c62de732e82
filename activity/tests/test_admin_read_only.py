"""Audit records are read-only in the Django admin for everyone, superusers included: the add page,
a change POST and a delete POST are all refused with 403 and the database is unchanged; there is
no bulk delete action. Payments change status, but not through the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.models import ActivityChain, ActivityEntry
from activity.services import activity_record
from applications.models import AssessmentScore
from applications.tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    ExtensionFactory,
    GateFactory,
)
from grants.models import Payment
from grants.tests.factories import AwardFactory, PaymentFactory
from plans.models import SignOff
from plans.tests.factories import PlanFactory, PlanVersionFactory
from support.tests.factories import AdviserDayFactory, AdviserEntitlementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True, admin=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _entry(area, user):
    return activity_record(verb="plan.submitted", summary="Plan submitted", actor=user, area=area)


def _sign_off(area, user):
    return SignOff.objects.create(
        plan=PlanFactory(area=area), party="funder", user=user, signed_at=timezone.now()
    )


def _score(area, user):
    application = ApplicationFactory(under_assessment=True)
    return AssessmentScore.objects.create(
        application=application,
        criterion=CriterionFactory(round=application.round),
        assessor=user,
        score=3,
    )


MAKERS = {
    "activity.activityentry": _entry,
    "activity.activitychain": lambda area, user: (
        _entry(area, user) and ActivityChain.objects.get(area=area)
    ),
    "plans.signoff": _sign_off,
    "plans.planversion": lambda area, user: PlanVersionFactory(plan=PlanFactory(area=area)),
    "applications.application": lambda area, user: ApplicationFactory(under_assessment=True),
    "applications.gateapplication": lambda area, user: GateFactory(area=area),
    "applications.assessmentscore": _score,
    "applications.deadlineextension": lambda area, user: ExtensionFactory(area=area),
    "grants.award": lambda area, user: AwardFactory(area=area),
    "support.adviserday": lambda area, user: AdviserDayFactory(area=area),
    "support.adviserentitlement": lambda area, user: AdviserEntitlementFactory(area=area),
}


def _url(label, action, *args):
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{action}", args=args)


def _snapshot(obj):
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_superuser_cannot_add_change_or_delete_an_audit_record(
    label, admin_client, area, programme_manager
):
    record = MAKERS[label](area, programme_manager)
    model = type(record)
    before_count = model.objects.count()
    before = _snapshot(record)

    assert admin_client.get(_url(label, "changelist")).status_code == 200
    assert admin_client.get(_url(label, "change", record.pk)).status_code == 200
    assert admin_client.get(_url(label, "add")).status_code == 403
    assert admin_client.post(_url(label, "add"), {"summary": "Forged"}).status_code == 403

    changed = {
        "summary": "Signed off by the funder",
        "signed_at_0": "2020-03-01",
        "signed_at_1": "10:00",
        "occurred_at_0": "2026-03-01",
        "occurred_at_1": "10:00",
        "score": "5",
        "reason": "Backdated",
        "amount": "999999",
    }
    assert admin_client.post(_url(label, "change", record.pk), changed).status_code == 403
    assert admin_client.post(_url(label, "delete", record.pk), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        _url(label, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)  # "No action selected": the action does not exist

    assert model.objects.count() == before_count
    assert _snapshot(record) == before


def test_the_admin_offers_no_bulk_delete_on_audit_records(admin_client, area, programme_manager):
    _entry(area, programme_manager)
    page = admin_client.get(_url("activity.activityentry", "changelist"))
    assert b"delete_selected" not in page.content


def test_admin_cannot_forge_a_backdated_sign_off_entry(admin_client, area, funder_officer):
    """The issue's reproduction: an admin adds 'plan.signed_off' credited to funder, March."""
    response = admin_client.post(
        _url("activity.activityentry", "add"),
        {
            "verb": "plan.signed_off",
            "summary": "Signed off by the funder",
            "actor": funder_officer.pk,
            "area": area.pk,
            "visibility": "area",
            "occurred_at_0": "2026-03-01",
            "occurred_at_1": "10:00",
            "data": "{}",
        },
    )
    assert response.status_code == 403
    assert not ActivityEntry.objects.filter(verb="plan.signed_off").exists()


def test_sign_off_cannot_be_redated_or_deleted(admin_client, area, funder_officer):
    """The issue's reproduction: a SignOff dated 2020 in the admin, then deleted."""
    sign_off = _sign_off(area, funder_officer)
    signed_at = sign_off.signed_at
    response = admin_client.post(
        _url("plans.signoff", "change", sign_off.pk),
        {
            "plan": sign_off.plan_id,
            "party": "funder",
            "user": funder_officer.pk,
            "signed_at_0": "2020-01-01",
            "signed_at_1": "10:00",
        },
    )
    assert response.status_code == 403
    assert (
        admin_client.post(_url("plans.signoff", "delete", sign_off.pk), {"post": "yes"}).status_code
        == 403
    )
    sign_off.refresh_from_db()
    assert sign_off.signed_at == signed_at


def test_payment_status_amount_and_approver_cannot_be_changed_in_the_admin(
    admin_client, area, programme_manager
):
    payment = PaymentFactory(award=AwardFactory(area=area))
    before = _snapshot(payment)
    response = admin_client.post(
        _url("grants.payment", "change", payment.pk),
        {
            "due_on": "2027-01-15",
            "status": Payment.Status.PAID,
            "amount": "999999.00",
            "approved_by": programme_manager.pk,
            "paid_by": programme_manager.pk,
            "paid_on": "1900-01-01",
        },
    )
    assert response.status_code == 302
    after = _snapshot(payment)
    assert after.pop("due_on") == datetime.date(2027, 1, 15)
    before.pop("due_on")
    after.pop("updated_at", None)
    before.pop("updated_at", None)
    assert after == before
    assert admin_client.get(_url("grants.payment", "add")).status_code == 403
    assert (
        admin_client.post(_url("grants.payment", "delete", payment.pk), {"post": "yes"}).status_code
        == 403
    )
    assert Payment.objects.filter(pk=payment.pk).exists()
