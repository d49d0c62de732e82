"""Admin writes to money rules and case records are on the audit trail (issue 20): an admin who
raises the second-approval threshold leaves an entry naming the field, its old and new value and
themselves; a message's body cannot be rewritten at all; and the hash chains still verify after
an audited edit."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from core.testing import form_data
from messaging import services as messaging_services
from messaging.models import Message
from programmes.models import Programme
from programmes.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db

FORGED = "We confirm the bank details change you requested. Please use the new account from now."


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True, admin=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _change(admin_client, obj, **changes):
    """Open the object's admin change page, change the given fields and save, as an admin does."""
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"{meta.model_name}_form")
    data.update(changes)
    return admin_client.post(url, data)


def _admin_entries(obj):
    return ActivityEntry.objects.filter(
        verb__startswith="admin.", target_type=obj._meta.label_lower, target_id=str(obj.pk)
    )


def test_raising_the_second_approval_threshold_is_on_the_audit_trail(admin_client, superuser):
    """The issue's reproduction: the threshold raised to £1,000,000 in the admin."""
    programme = Programme.objects.get(slug="our-place")
    assert programme.payments_second_approval_over == Decimal("10000.00")

    response = _change(admin_client, programme, payments_second_approval_over="1000000.00")

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.payments_second_approval_over == Decimal("1000000.00")
    entry = _admin_entries(programme).get()
    assert entry.verb == "admin.changed"
    assert entry.actor == superuser
    assert entry.data["model"] == "programmes.programme"
    assert entry.data["changes"] == {
        "payments_second_approval_over": {"old": "10000.00", "new": "1000000.00"}
    }
    assert entry.summary == (
        "Programme “Our Place” changed in the admin site: Second approval for payments over (£)"
    )


def test_a_message_body_cannot_be_rewritten_or_deleted_in_the_admin(
    admin_client, area, programme_manager
):
    """The issue's reproduction: a staff message rewritten as a bank-details confirmation."""
    message = messaging_services.message_post(
        area=area, actor=programme_manager, body="Your quarterly return is due on Friday."
    )
    url = reverse("admin:messaging_message_change", args=[message.pk])
    assert admin_client.get(url).status_code == 200  # still there to look at

    response = admin_client.post(
        url,
        {
            "area": area.pk,
            "kind": "message",
            "author": programme_manager.pk,
            "body": FORGED,
            "attachment_name": "",
        },
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.body == "Your quarterly return is due on Friday."
    delete = reverse("admin:messaging_message_delete", args=[message.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Message.objects.filter(pk=message.pk).exists()


def test_stage_grant_range_changed_through_the_round_page_is_on_the_audit_trail(
    admin_client, superuser
):
    """Stage grant ranges are edited on their round's page (an inline): each row's change is an
    entry of its own naming the stage definition, the field, the old and the new value."""
    round_ = RoundFactory()
    definition = round_.stage_definitions.order_by("order").first()
    old_max = definition.grant_max
    url = reverse("admin:programmes_round_change", args=[round_.pk])
    data = form_data(admin_client.get(url).content.decode(), "round_form")
    prefix = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith("stage_definitions-")
        and key.endswith("-id")
        and value == str(definition.pk)
    )
    data[f"{prefix}-grant_max"] = "250000.00"

    assert admin_client.post(url, data).status_code == 302

    definition.refresh_from_db()
    assert definition.grant_max == Decimal("250000.00")
    entry = _admin_entries(definition).get()
    assert entry.actor == superuser
    assert entry.data["changes"] == {"grant_max": {"old": f"{old_max:.2f}", "new": "250000.00"}}
    assert not _admin_entries(round_).exists()  # the round itself did not change


def test_audit_verify_passes_after_an_audited_admin_edit(admin_client, area, programme_manager):
    messaging_services.message_post(area=area, actor=programme_manager, body="Hello")
    programme = Programme.objects.get(slug="our-place")
    assert _change(admin_client, programme, description="Changed by an admin").status_code == 302
    assert _change(admin_client, area, name="Renamed in the admin").status_code == 302
    assert _admin_entries(programme).count() == 1
    assert _admin_entries(area).get().area == area  # on the area's own chain

    call_command("audit_verify")  # raises CommandError when a chain is broken
