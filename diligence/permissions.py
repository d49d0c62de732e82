"""Who may see and do what with due diligence, as plain functions returning (allowed, reason).

Programme managers and admins prepare and confirm checklists (never their own: the workflow's
four-eyes rule); funder and finance officers read them (finance officers see why a payment is
held). Relationship managers and lead organisation users never see them: a fraud risk rating is
not for the organisation rated."""

from accounts import permissions as perms
from core.errors import Decision

NOT_FOR_YOU = "Due diligence is for programme managers, funder and finance officers and admins."


def can_view_diligence(user) -> Decision:
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    if perms.is_finance_officer(user):
        return True, ""
    return False, NOT_FOR_YOU


def can_prepare_diligence(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins prepare due diligence."
