"""Who may do what with surveys. Plain functions returning (allowed, reason).

Programme managers and admins define, open and close surveys and invite people; funder officers
read the results too. Free-text answers are shown and exported only to staff who run surveys.
A respondent reaches an invitation through its personal link, or signed in as its contact.
"""

from django.utils import timezone

from accounts import permissions as perms
from core.errors import Decision


def can_manage_surveys(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only a programme manager or an admin can run surveys."


def can_view_results(user) -> Decision:
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    return False, "Survey results are for programme managers, funder officers and admins."


def can_read_free_text(user) -> bool:
    return perms.is_manager_or_admin(user)


def is_invitation_contact(user, invitation) -> bool:
    """The signed-in person the invitation is for: its own user, or, for an invitation sent to
    the organisation's address, a member of that organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if invitation.user_id is not None:
        return invitation.user_id == user.pk
    # Sent to the organisation's address: any of its members may answer it.
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, invitation.organisation_id
    )


def can_answer(invitation, *, now=None) -> Decision:
    """Whether the invitation still takes answers (the holder was established by the caller)."""
    now = now or timezone.now()
    if invitation.revoked_at:
        return False, "This invitation has been withdrawn."
    if invitation.answered_at:
        return False, "These answers have been sent already; each link takes one response."
    if invitation.is_expired(now):
        return False, "This link has expired. Ask the programme team for a new one."
    if invitation.survey.status != "open":
        return False, "This survey is not open."
    return True, ""
