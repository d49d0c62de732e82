"""The admin is read-mostly: no adding, status read-only, and the actions go through the services
(so they are refused in the same way)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Payment
from grants.services import award_grant
from grants.tests.factories import accept_offer
from programmes.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(area, programme_manager):
    return accept_offer(
        award_grant(
            area=area, stage=Stage.GETTING_GOING, amount=Decimal("10000"), actor=programme_manager
        )
    )


def test_admin_cannot_add_awards_or_payments(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get(reverse("admin:grants_award_add")).status_code == 403
    assert client.get(reverse("admin:grants_payment_add")).status_code == 403


def test_status_is_read_only_in_the_admin(client_for, admin_user, award):
    payment = award.payments.get(kind=Payment.Kind.ADVANCE)
    response = client_for(admin_user).get(reverse("admin:grants_payment_change", args=[payment.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_admin_actions_use_the_services(client_for, admin_user, award):
    advance = award.payments.get(kind=Payment.Kind.ADVANCE)
    held = award.payments.get(kind=Payment.Kind.RETENTION)
    url = reverse("admin:grants_payment_changelist")
    response = client_for(admin_user).post(
        url,
        {"action": "approve_payments", "_selected_action": [advance.pk, held.pk]},
        follow=True,
    )
    body = response.content.decode()
    advance.refresh_from_db()
    held.refresh_from_db()
    assert advance.status == Payment.Status.APPROVED and advance.approved_by == admin_user
    assert held.status == Payment.Status.HELD
    assert "cannot be moved to approved" in body
