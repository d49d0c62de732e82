"""Team changes reach the audit trail though accounts does not import activity: accounts sends
``team_changed`` and activity records it, staff only. A change nobody would record is refused
rather than left out of the trail."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.invitations import invitation_create, invitation_revoke
from accounts.models import Invitation
from accounts.signals import team_changed
from activity.models import ActivityEntry, Visibility
from activity.services import activity_record_team_change

pytestmark = pytest.mark.django_db


def test_an_invitation_and_its_withdrawal_are_recorded_for_staff_only(area, lead_user):
    org = area.lead_organisation
    invitation = invitation_create(organisation=org, email="nia@example.org", user=lead_user)
    invitation_revoke(invitation=invitation, user=lead_user)
    entries = ActivityEntry.objects.filter(verb__startswith="team.").order_by("pk")
    assert [(e.verb, e.visibility, e.actor_id) for e in entries] == [
        ("team.invited", Visibility.STAFF, lead_user.pk),
        ("team.invitation_revoked", Visibility.STAFF, lead_user.pk),
    ]
    assert entries[0].summary == f"{lead_user} invited nia@example.org to join {org.name}"


def test_a_team_change_nobody_records_is_refused_and_not_made(area, lead_user):
    team_changed.disconnect(activity_record_team_change, dispatch_uid="activity.team_changed")
    try:
        with pytest.raises(ImproperlyConfigured):
            invitation_create(
                organisation=area.lead_organisation, email="nia@example.org", user=lead_user
            )
    finally:
        team_changed.connect(activity_record_team_change, dispatch_uid="activity.team_changed")
    assert not Invitation.objects.exists()
