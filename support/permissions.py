"""Who may see and do what in the support package, as plain functions returning
``(allowed, reason)`` where a refusal needs explaining.

Relationship managers work only with the areas they look after *now* (their current
`AreaAssignment`); area-scoped support pages answer 404 for any other area. Programme managers and
admins see and do everything; funder officers read. Lead organisation users see their own area's
adviser days and events, never contact notes or risks.
"""

from accounts import permissions as perms
from accounts.models import AreaAssignment
from core.area_writes import can_write_area
from core.errors import Decision


def current_area_ids(user) -> set[int]:
    """Ids of the areas a relationship manager looks after now (cached on the user object)."""
    cache = getattr(user, "_support_current_area_ids", None)
    if cache is None:
        cache = set(
            AreaAssignment.objects.filter(user=user, ended_on__isnull=True).values_list(
                "area_id", flat=True
            )
        )
        user._support_current_area_ids = cache
    return cache


def looks_after(user, area) -> bool:
    return perms.is_relationship_manager(user) and area.pk in current_area_ids(user)


def booking_context(user, area) -> dict:
    """What the booking workflow's rule (``support.workflows.is_booker``) is given: whether
    `user` looks after `area` now. Read here, once, because a workflow rule reads only its
    context; only a relationship manager's answer needs the query."""
    return {"looks_after_area": area is not None and looks_after(user, area)}


def is_support_staff(user) -> bool:
    """People who use the support pages as staff (not lead organisations)."""
    return perms.is_programme_staff(user)


def can_manage_everything(user) -> bool:
    return perms.is_manager_or_admin(user)


def support_areas_visible_to(user, queryset=None):
    """Areas whose support record (contacts, risks, follow-ups) the user may see."""
    from programmes.models import Area

    qs = queryset if queryset is not None else Area.objects.all()
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return qs
    if perms.is_relationship_manager(user):
        return qs.filter(assignments__user=user, assignments__ended_on__isnull=True)
    return qs.none()


def can_view_support_record(user, area) -> Decision:
    """Contacts, notes, risks and follow-ups."""
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    if looks_after(user, area):
        return True, ""
    if perms.is_relationship_manager(user):
        return False, "You can only see the support record of areas you look after now."
    return False, "The support record is for programme staff only."


def can_log_contact(user, area) -> Decision:
    if perms.is_manager_or_admin(user) or looks_after(user, area):
        # A closed grant's records are read-only (core.area_writes: closure's hold).
        return can_write_area(user, area)
    if perms.is_relationship_manager(user):
        return False, "You can only log contacts for areas you look after now."
    return False, "Only the area's relationship manager or a programme manager can log contacts."


def can_view_adviser_days(user, area) -> Decision:
    allowed, reason = can_view_support_record(user, area)
    if allowed:
        return allowed, reason
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    ):
        return True, ""
    return False, reason


def can_book_adviser_days(user, area) -> Decision:
    if perms.is_manager_or_admin(user) or looks_after(user, area):
        return can_write_area(user, area)
    return (
        False,
        "Only the area's relationship manager or a programme manager can book adviser days.",
    )


def can_manage_advisers(user) -> Decision:
    """The list of external advisers is kept by programme managers and admins."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers and admins keep the list of advisers."


def can_raise_entitlement(user, area=None) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only a programme manager can raise an area's adviser-day entitlement."


def can_change_assignment(user, area=None) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only a programme manager can change an area's relationship manager."


def can_complete_followup(user, followup) -> Decision:
    if perms.is_manager_or_admin(user) or followup.owner_id == user.pk:
        return True, ""
    if looks_after(user, followup.area):
        return True, ""
    return (
        False,
        "Only the action's owner, the area's relationship manager or a programme manager can mark it done.",
    )


def can_resolve_risk(user, contact) -> Decision:
    if perms.is_manager_or_admin(user) or looks_after(user, contact.area):
        return True, ""
    return False, "Only the area's relationship manager or a programme manager can resolve a risk."


def can_view_events(user) -> Decision:
    if perms.is_programme_staff(user):
        return True, ""
    return False, "The events pages are for programme staff."


def can_manage_events(user) -> Decision:
    """Create events, invite areas and record attendance."""
    if perms.is_manager_or_admin(user) or perms.is_relationship_manager(user):
        return True, ""
    return False, "Only programme managers and relationship managers can manage events."
