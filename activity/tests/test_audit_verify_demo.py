"""`audit_verify` on the demo programme: every chain verifies, and a summary edited by raw SQL is
named (entry id, area, verb)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from activity.models import ActivityChain, ActivityEntry
from core.tests.demo_snapshot import load_demo_for_test

pytestmark = pytest.mark.django_db


def test_audit_verify_passes_on_the_demo_and_names_a_hand_edited_entry():
    load_demo_for_test()
    entries, chains = ActivityEntry.objects.count(), ActivityChain.objects.count()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert f"{entries} entries in {chains} chains verified." in out.getvalue()
    assert entries > 500 and chains > 60

    target = (
        ActivityEntry.objects.filter(area__isnull=False, verb="plan.signed_off")
        .select_related("area")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activity_activityentry SET summary = %s WHERE id = %s",
            ["Signed off by the funder in March", target.pk],
        )
    out = StringIO()
    with pytest.raises(CommandError, match=f"1 of {chains} chains broken"):
        call_command("audit_verify", stdout=out)
    assert f"area {target.area.reference}" in out.getvalue()
    assert f"entry {target.pk} (plan.signed_off)" in out.getvalue()
