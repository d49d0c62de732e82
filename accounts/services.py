"""Writes for accounts: ending a user's sessions. (Signing up an applicant, which creates their
organisation too, is programmes.services.applicant_register.)"""

from django.db.models import F

from .models import User


def user_sessions_end(*, user: User) -> None:
    """End every session `user` has, in every browser. Sessions carry a hash of the password and
    the user's session generation that Django checks on each request
    (User._get_session_auth_hash), as it checks that a removed member's account is still active;
    raising the generation makes every session's hash stale, so its next request is signed out.
    A view that should keep its own session gives it the new hash with Django's
    `update_session_auth_hash(request, user)`, as Django's password change does."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
