"""Who may see and change an organisation's bank details. Plain functions returning
(allowed, reason).

Bank details are seen by the organisation's own users and by the people who handle its money
(programme managers, finance officers, admins); relationship managers and funder officers do not
need them. Only finance officers see a full account number (and each look is recorded); everyone
else sees its last four digits."""

from accounts import permissions as perms
from core.errors import Decision


def _member(user, organisation) -> bool:
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(user, organisation.pk)


def _money_staff(user) -> bool:
    return perms.is_manager_or_admin(user) or perms.is_finance_officer(user)


def can_view_bank_details(user, organisation) -> Decision:
    if _money_staff(user) or _member(user, organisation):
        return True, ""
    return False, (
        "Bank details are shown only to the organisation's own users, programme managers and "
        "finance officers."
    )


def can_enter_bank_details(user, organisation) -> Decision:
    """The organisation's own users give their bank details; programme managers and finance
    officers may enter them on its behalf (then another of them must confirm)."""
    if _money_staff(user) or _member(user, organisation):
        return True, ""
    return False, (
        "Only the organisation's own users, programme managers and finance officers can give its "
        "bank details."
    )


def can_confirm_bank_details(user) -> Decision:
    """Confirm or reject details at all (banking/workflows.py then says whose: not your own)."""
    if perms.is_programme_manager(user) or perms.is_finance_officer(user):
        return True, ""
    return False, "Only finance officers and programme managers can confirm bank details."


def can_see_full_number(user) -> Decision:
    if perms.is_finance_officer(user):
        return True, ""
    return False, "Only finance officers can see a full account number."
