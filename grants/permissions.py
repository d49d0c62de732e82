"""Who may see and change grants and payments. Plain functions returning (allowed, reason)."""

from accounts import permissions as perms
from core.errors import Decision


def can_award(user, *, imported: bool = False) -> Decision:
    """Awards are made by the decision services (admission, stage gates) on behalf of programme
    managers, admins or the funder; imported history may have no actor."""
    if imported and user is None:
        return True, ""
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    return False, "Only programme managers, funder officers and admins can award grants."


def can_cancel_award(user, award) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can cancel an award."


def can_manage_payments(user) -> Decision:
    """Approve, mark paid, cancel, add to a schedule."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can change payments."


def can_approve_payments(user) -> Decision:
    """Approve payments at all (grants/workflows.py then decides which: four eyes)."""
    if perms.is_manager_or_admin(user) or perms.is_finance_officer(user):
        return True, ""
    return False, "Only programme managers, finance officers and admins can approve payments."


def can_pay_payments(user) -> Decision:
    """Record payments as paid at all: finance officers (and then only ones they did not
    approve)."""
    if perms.is_finance_officer(user):
        return True, ""
    return False, "Only finance officers can mark payments as paid."


def can_act_on_payments(user) -> Decision:
    """Any payment work at all: the finance list's checkboxes and bulk actions."""
    if can_approve_payments(user)[0] or can_pay_payments(user)[0]:
        return True, ""
    return False, "Only programme managers, finance officers and admins can work on payments."


def can_view_finance(user) -> Decision:
    """The programme-wide finance pages: programme staff only (funder officers and relationship
    managers may look but not change anything)."""
    if perms.is_programme_staff(user):
        return True, ""
    return False, "The finance pages are for programme staff."


def can_view_award(user, award) -> Decision:
    """Staff see every award; a lead organisation user sees only their own area's awards."""
    return perms.can_view_area(user, award.area)
