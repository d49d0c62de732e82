"""Who may see and do what in grant closure: plain functions returning (allowed, reason)."""

from accounts import permissions as perms
from core.errors import Decision


def can_view_closures(user) -> Decision:
    """The programme's list of grant closures: programme staff."""
    if perms.is_programme_staff(user):
        return True, ""
    return False, "The list of grant closures is for programme staff."


def can_view_closure(user, area) -> Decision:
    """An area's closure page: whoever may see the area (its lead organisation too)."""
    return perms.can_view_area(user, area)


def can_manage_closure(user) -> Decision:
    """Start a closure, reconcile awards, close, open a correction: programme managers and
    admins."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins can close grants."


def can_receive_unspent(user) -> Decision:
    """Record unspent money received back: programme managers, finance officers and admins."""
    if perms.is_manager_or_admin(user) or perms.is_finance_officer(user):
        return True, ""
    return False, (
        "Only programme managers, finance officers and admins can record money received."
    )
