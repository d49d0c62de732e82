"""Self-service teams: invitations by signed, expiring, one-use links; members and their removal."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.invitations import invitation_create, invitation_token
from accounts.models import Invitation, OrganisationMembership, User
from accounts.tasks import invitation_email
from accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-team-passphrase-9"


def _team(org):
    return reverse("team", args=[org.pk])


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", message.body).group(1)


def _accept(client, path, username="newbie"):
    return client.post(
        path,
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.fixture
def org(area):
    return area.lead_organisation


@pytest.fixture
def invited(org, lead_user, django_capture_on_commit_callbacks):
    """An invitation from the lead, emailed through the outbox (the task run in place)."""
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(organisation=org, email="nia@example.org", user=lead_user)
    invitation_email(invitation.pk)
    return invitation


def test_lead_invites_and_the_colleague_sets_a_password_and_sees_the_area(
    client, client_for, area, org, lead_user
):
    response = client_for(lead_user).post(_team(org), {"email": "nia@example.org"}, follow=True)
    assert "Invitation sent to nia@example.org" in response.content.decode()
    invitation = Invitation.objects.get()
    # The outbox hands the email task to Celery after commit; run it here.
    assert invitation_email(invitation.pk) is True
    assert invitation_email(invitation.pk) is False  # a retried task sends nothing twice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nia@example.org"]
    assert f"Join {org.name}" in mail.outbox[0].subject
    path = _link_path(mail.outbox[0])
    client.logout()
    page = client.get(path)
    assert "Set my password" in page.content.decode()
    response = _accept(client, path)
    assert response.status_code == 302
    nia = User.objects.get(username="newbie")
    assert nia.email == "nia@example.org" and nia.check_password(PASSWORD)
    assert OrganisationMembership.objects.filter(user=nia, organisation=org).exists()
    # Signed in, and the area is theirs now.
    assert client.get(area.get_absolute_url()).status_code == 200


def test_a_used_link_cannot_be_used_again(client, invited):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    assert _accept(client, path).status_code == 302
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "has been used already" in again.content.decode()
    assert _accept(client, path, username="second").status_code == 410
    assert not User.objects.filter(username="second").exists()


def test_an_expired_link_says_so(client, invited):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    Invitation.objects.filter(pk=invited.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(path)
    assert page.status_code == 410 and "has expired" in page.content.decode()
    assert _accept(client, path).status_code == 410
    assert not User.objects.filter(username="newbie").exists()


def test_a_link_older_than_its_signature_allows_is_expired(client, invited, settings):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    settings.INVITATION_VALID_DAYS = 0
    page = client.get(path)
    assert page.status_code == 410 and "has expired" in page.content.decode()


def test_a_withdrawn_link_says_so(client, client_for, org, lead_user, invited):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    client_for(lead_user).post(reverse("team_invitation_revoke", args=[org.pk, invited.pk]))
    client.logout()
    page = client.get(path)
    assert page.status_code == 410 and "was withdrawn" in page.content.decode()


def test_a_forged_link_is_refused(client, invited):
    token = invitation_token(invited)
    forged = f"{invited.pk + 1}:{token.split(':', 1)[1]}"
    page = client.get(reverse("invitation_accept", args=[forged]))
    assert page.status_code == 410 and "not valid" in page.content.decode()


def test_inviting_again_withdraws_the_earlier_link(org, lead_user, invited):
    second = invitation_create(organisation=org, email="NIA@example.org", user=lead_user)
    invited.refresh_from_db()
    assert invited.state == "revoked" and second.state == "pending"


def test_an_existing_account_joins_after_signing_in(client, client_for, org, lead_user):
    someone = UserFactory(username="someone", email="someone@example.org")
    invitation = invitation_create(organisation=org, email="someone@example.org", user=lead_user)
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    client.logout()
    assert "Sign in as someone" in client.get(path).content.decode()
    client_for(someone).post(path)
    assert OrganisationMembership.objects.filter(user=someone, organisation=org).exists()


def test_lead_of_another_organisation_gets_404(client_for, org, other_area):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, organisation=other_area.lead_organisation)
    client = client_for(stranger)
    assert client.get(_team(org)).status_code == 404
    assert client.post(_team(org), {"email": "x@example.org"}).status_code == 404
    assert not Invitation.objects.exists()


def test_staff_manage_any_team_from_the_organisation_page(
    client_for, org, lead_user, programme_manager, funder_officer
):
    client = client_for(programme_manager)
    assert reverse("team", args=[org.pk]) in client.get(org.get_absolute_url()).content.decode()
    client.post(_team(org), {"email": "new@example.org"})
    assert Invitation.objects.filter(organisation=org, invited_by=programme_manager).exists()
    assert client_for(funder_officer).get(_team(org)).status_code == 403


def test_members_are_listed_and_removed(client_for, org, lead_user):
    colleague = UserFactory(username="colleague", first_name="Siobhan", last_name="O'Neill")
    membership = MembershipFactory(user=colleague, organisation=org)
    client = client_for(lead_user)
    page = client.get(_team(org)).content.decode()
    # The page escapes names (O&#x27;Neill), so compare them escaped.
    assert escape("Siobhan O'Neill") in page and escape(str(lead_user)) in page
    client.post(reverse("team_member_remove", args=[org.pk, membership.pk]))
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()
    colleague.refresh_from_db()
    assert not colleague.is_active  # no organisation left: cannot sign in


def test_the_last_member_cannot_be_removed(client_for, org, lead_user, programme_manager):
    membership = OrganisationMembership.objects.get(user=lead_user, organisation=org)
    for user in (lead_user, programme_manager):
        response = client_for(user).post(
            reverse("team_member_remove", args=[org.pk, membership.pk]), follow=True
        )
        assert "is the last member" in response.content.decode()
    assert OrganisationMembership.objects.filter(pk=membership.pk).exists()


def test_a_lead_may_leave_when_others_remain(client_for, org, lead_user):
    MembershipFactory(user=UserFactory(username="colleague"), organisation=org)
    mine = OrganisationMembership.objects.get(user=lead_user, organisation=org)
    client_for(lead_user).post(reverse("team_member_remove", args=[org.pk, mine.pk]))
    assert not OrganisationMembership.objects.filter(pk=mine.pk).exists()


def test_a_removed_colleague_comes_back_through_an_invitation(client, org, lead_user):
    colleague = UserFactory(username="colleague", email="col@example.org")
    membership = MembershipFactory(user=colleague, organisation=org)
    from accounts.invitations import member_remove

    member_remove(membership=membership, user=lead_user)
    invitation = invitation_create(organisation=org, email="col@example.org", user=lead_user)
    _accept(client, reverse("invitation_accept", args=[invitation_token(invitation)]))
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.check_password(PASSWORD)
    assert OrganisationMembership.objects.filter(user=colleague, organisation=org).exists()


def test_staff_addresses_and_members_are_not_invited(client_for, org, lead_user, programme_manager):
    client = client_for(lead_user)
    page = client.post(_team(org), {"email": programme_manager.email}).content.decode()
    assert "programme staff account" in page
    page = client.post(_team(org), {"email": lead_user.email}).content.decode()
    assert "already a member" in page
    assert not Invitation.objects.exists()


def test_weak_passwords_are_refused_on_the_invitation_page(client, invited):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    response = client.post(
        path,
        {
            "first_name": "N",
            "last_name": "J",
            "username": "nj",
            "password1": "short",
            "password2": "short",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in page and "too short" in page
    assert not User.objects.filter(username="nj").exists()


def test_password_reset_works_for_an_invited_colleague_and_staff(
    client, invited, relationship_manager
):
    _accept(client, reverse("invitation_accept", args=[invitation_token(invited)]))
    client.logout()
    mail.outbox.clear()
    for email in ("nia@example.org", relationship_manager.email):
        client.post(reverse("password_reset"), {"email": email})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["nia@example.org", relationship_manager.email]
    )


BAD_NAME = "Eve\r\nBcc: x@example.org"


def test_a_first_name_with_a_line_break_is_refused_next_to_the_field(client, invited):
    path = reverse("invitation_accept", args=[invitation_token(invited)])
    response = client.post(
        path,
        {
            "first_name": BAD_NAME,
            "last_name": "Adams",
            "username": "eve",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["first_name"]
    assert form.errors.as_data()["first_name"][0].code == "control_characters"
    page = response.content.decode()
    # Under the first name's box, which is marked invalid and described by the error.
    box = page[page.index('id="div_id_first_name"') : page.index('id="div_id_last_name"')]
    assert 'aria-invalid="true"' in box and 'aria-describedby="id_first_name_error"' in box
    assert "Use one line of text here, without line breaks" in box
    assert "(this has a line break)" in box
    assert not User.objects.filter(username="eve").exists()
    invited.refresh_from_db()
    assert invited.state == "pending"


def test_the_service_refuses_a_name_with_a_line_break_whoever_calls_it(invited):
    from django.core.exceptions import ValidationError

    from accounts.invitations import invitation_accept

    for first_name, last_name in [(BAD_NAME, "Adams"), ("Eve", "Adams\u2028Bcc: x")]:
        with pytest.raises(ValidationError) as caught:
            invitation_accept(
                invitation=invited,
                username="eve",
                first_name=first_name,
                last_name=last_name,
                password=PASSWORD,
            )
        field = "first_name" if first_name == BAD_NAME else "last_name"
        assert caught.value.error_dict[field][0].code == "control_characters"
    assert not User.objects.filter(username="eve").exists()


def test_an_organisation_name_stored_with_a_line_break_makes_a_one_line_subject(
    org, lead_user, django_capture_on_commit_callbacks
):
    from programmes.models import Organisation

    # Stored before the single-line rule (written past validation, as old data is).
    Organisation.objects.filter(pk=org.pk).update(name="Trust\r\nBcc: x@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(organisation=org, email="nia@example.org", user=lead_user)

    assert invitation_email(invitation.pk) is True

    (message,) = mail.outbox
    assert message.subject == "Join Trust Bcc: x@example.org on Our Place"
    assert message.message()["Bcc"] is None
