"""Writes for accounts: signing up a new applicant, ending a user's sessions."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from .models import OrganisationMembership, Role, User


@transaction.atomic
def applicant_register(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation_name: str,
    org_type: str,
    job_title: str = "",
) -> User:
    """A new applicant signs up: a lead organisation user, their organisation and their
    membership of it (as its primary contact), all or nothing."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken; choose another."})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        role=Role.LEAD_ORGANISATION,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    # accounts is the layer every app imports; sign-up is its one write that reaches up to the
    # programme's organisations, so it imports programmes here rather than at module level.
    from programmes.services import organisation_sign_up

    organisation = organisation_sign_up(
        name=organisation_name, org_type=org_type, email=email, user=user
    )
    OrganisationMembership.objects.create(
        user=user, organisation=organisation, is_primary_contact=True
    )
    return user


def user_sessions_end(*, user: User) -> None:
    """End every session `user` has, in every browser. Sessions carry a hash of the password and
    the user's session generation that Django checks on each request
    (User._get_session_auth_hash), as it checks that a removed member's account is still active;
    raising the generation makes every session's hash stale, so its next request is signed out.
    A view that should keep its own session gives it the new hash with Django's
    `update_session_auth_hash(request, user)`, as Django's password change does."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
