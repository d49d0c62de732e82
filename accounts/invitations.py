"""Self-service teams: a lead organisation's members (or programme staff) invite colleagues by
email and remove members. The emailed link is the invitation's id signed with
`django.core.signing.TimestampSigner` (so it cannot be forged or guessed and carries its age);
the row decides the rest: it works until `expires_at`, once, and not after it is revoked. No
secret is stored in the database or the outbox: the email task signs the id again."""

import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import require
from core.locking import lock
from core.outbox import outbox_add

from . import permissions as perms
from .models import Invitation, OrganisationMembership, Role, User
from .signals import team_changed

SALT = "accounts.invitation"


def _record(**kwargs) -> None:
    """An entry in the audit trail (staff only), written by activity when it hears
    ``team_changed``; a change nobody records is an error, never a silent gap in the trail."""
    if not team_changed.send(sender=Invitation, **kwargs):
        raise ImproperlyConfigured("Nothing records team_changed: is activity installed?")


class InvitationProblem(Exception):
    """A link that cannot be used, with what the person reads."""


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(invitation.pk))


def invitation_link(invitation: Invitation) -> str:
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    return settings.SITE_URL.rstrip("/") + path


def _valid_for() -> datetime.timedelta:
    return datetime.timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link stands for, or InvitationProblem saying why it cannot be used."""
    ask_again = " Ask a member of the organisation to invite you again."
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=_valid_for())
    except signing.SignatureExpired:
        raise InvitationProblem("This invitation has expired." + ask_again)
    except signing.BadSignature:
        raise InvitationProblem("This invitation link is not valid: check it was copied whole.")
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
    )
    if invitation is None:
        raise InvitationProblem("This invitation no longer exists." + ask_again)
    state = invitation.state
    if state == "accepted":
        raise InvitationProblem(
            "This invitation has been used already. Sign in, or reset your password if you "
            "have forgotten it."
        )
    if state == "revoked":
        raise InvitationProblem("This invitation was withdrawn." + ask_again)
    if state == "expired":
        raise InvitationProblem("This invitation has expired." + ask_again)
    return invitation


@transaction.atomic
def invitation_create(*, organisation, email: str, user) -> Invitation:
    """Invite `email` to join `organisation`'s team and email them the link (through the
    outbox, after commit). A pending invitation to the same address is withdrawn: the newest
    link is the one that works."""
    require(perms.can_manage_team(user, organisation))
    email = (email or "").strip()
    if OrganisationMembership.objects.filter(
        organisation=organisation, user__email__iexact=email, user__is_active=True
    ).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}."})
    if (
        User.objects.filter(email__iexact=email, is_active=True)
        .exclude(role=Role.LEAD_ORGANISATION)
        .exists()
    ):
        raise ValidationError(
            {"email": "That address belongs to a programme staff account; invite another one."}
        )
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        invited_by=user,
        created_at=now,
        expires_at=now + _valid_for(),
    )
    _record(
        verb="team.invited",
        summary=f"{user} invited {email} to join {organisation.name}",
        actor=user,
        target=invitation,
    )
    from . import tasks  # noqa: F401  (registers the task for eager runs)

    outbox_add(
        task="accounts.tasks.invitation_email",
        args=[invitation.pk],
        description=f"Invitation to {organisation.name}",
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user) -> Invitation:
    require(perms.can_manage_team(user, invitation.organisation))
    locked = lock(invitation)
    if locked.state != "pending":
        raise ValidationError(f"This invitation is {locked.state} already.")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    _record(
        verb="team.invitation_revoked",
        summary=f"{user} withdrew the invitation of {locked.email} to {locked.organisation.name}",
        actor=user,
        target=locked,
    )
    return locked


def _use(invitation: Invitation, user: User) -> None:
    locked = lock(invitation)
    if locked.state != "pending":
        raise InvitationProblem(f"This invitation is {locked.state}: it cannot be used.")
    OrganisationMembership.objects.get_or_create(user=user, organisation=locked.organisation)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    _record(
        verb="team.joined",
        summary=f"{user} joined {locked.organisation.name} (invited by {locked.invited_by})",
        actor=user,
        target=locked,
        notify=[locked.invited_by] if locked.invited_by else (),
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, username: str, first_name: str, last_name: str, password: str
) -> User:
    """The invited person sets up their account: a lead organisation user with the invited
    address, a member of the organisation. Someone removed earlier (an inactive account with
    the address) gets that account back, under its old username, with the new password."""
    user = User.objects.filter(
        email__iexact=invitation.email, is_active=False, role=Role.LEAD_ORGANISATION
    ).first()
    if user is None:
        username = (username or "").strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken; choose another."})
        user = User(username=username, email=invitation.email, role=Role.LEAD_ORGANISATION)
    user.first_name, user.last_name, user.is_active = first_name, last_name, True
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    _use(invitation, user)
    return user


@transaction.atomic
def invitation_join(*, invitation: Invitation, user) -> None:
    """Someone who already has an account (with the invited address) joins the team."""
    if user.email.lower() != invitation.email.lower() or not perms.is_lead_organisation_user(user):
        raise InvitationProblem("This invitation is for another email address.")
    _use(invitation, user)


@transaction.atomic
def member_remove(*, membership: OrganisationMembership, user) -> None:
    """Take someone off an organisation's team. The last member cannot be removed (the
    organisation would have nobody to act for it). A lead organisation user left with no
    organisation can no longer sign in: their account is made inactive (an invitation brings
    it back)."""
    organisation = membership.organisation
    require(perms.can_manage_team(user, organisation))
    lock(organisation)
    if (
        not OrganisationMembership.objects.filter(organisation=organisation)
        .exclude(pk=membership.pk)
        .filter(user__is_active=True)
        .exists()
    ):
        raise ValidationError(
            f"{membership.user} is the last member of {organisation.name}: invite someone "
            "else first."
        )
    member = membership.user
    membership.delete()
    if member.role == Role.LEAD_ORGANISATION and not member.memberships.exists():
        member.is_active = False
        member.save(update_fields=["is_active"])
    _record(
        verb="team.member_removed",
        summary=f"{user} removed {member} from {organisation.name}",
        actor=user,
        data={"user": member.pk, "organisation": organisation.pk},
    )
