"""Who may see and change an area's delivery records. Plain functions returning (allowed, reason),
used by views, services and templates alike. Scope (a lead user and another area) is answered
with 404 by the views before these are asked."""

from accounts import permissions as perms
from accounts.models import AreaAssignment
from core.area_writes import can_write_area
from core.errors import Decision

from .workflows import REVIEWERS_TEXT, is_return_reviewer


def is_area_lead_member(user, area) -> bool:
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    )


def can_view_delivery(user, area) -> Decision:
    return perms.can_view_area(user, area)


def can_edit_delivery(user, area) -> Decision:
    """Returns, funding secured, CBA outturn and Making it Happen: the area's lead organisation,
    programme managers and admins. Relationship managers and funder officers only read. Once the
    area's grant is closed, nobody (``core.area_writes``: closure's hold)."""
    if perms.is_manager_or_admin(user) or is_area_lead_member(user, area):
        return can_write_area(user, area)
    return False, (
        "Only the area's lead organisation or a programme manager can change its delivery records."
    )


def can_view_returns_list(user) -> Decision:
    if perms.is_programme_staff(user):
        return True, ""
    return False, "The returns list is for programme staff; your returns are on your area's page."


def can_edit_return(user, progress_return) -> Decision:
    allowed, reason = can_edit_delivery(user, progress_return.area)
    if not allowed:
        return allowed, reason
    if not progress_return.is_editable:
        return False, "This return has been submitted, so it cannot be changed."
    return True, ""


def can_submit_return(user, progress_return) -> Decision:
    return can_edit_return(user, progress_return)


def return_review_context(user, area) -> dict:
    """What the return table's reviewer rule (``is_return_reviewer``) is given: the id of the
    relationship manager who looks after `area` now, or None. Read here, once per request or
    service, because a workflow rule reads only its context; only a relationship manager's
    answer depends on it, so nobody else pays for the query."""
    if area is None or not perms.is_relationship_manager(user):
        return {"area_relationship_manager_id": None}
    looks_after = (
        AreaAssignment.objects.filter(area=area, ended_on__isnull=True)
        .values_list("user_id", flat=True)
        .first()
    )
    return {"area_relationship_manager_id": looks_after}


def can_review_returns(user, area, *, context: dict | None = None) -> Decision:
    """Programme managers, admins and the relationship manager who looks after the area now
    review its returns (accept them or ask for changes). Whether this return is waiting for a
    review is the workflow table's to say. A caller that has the ``return_review_context``
    already passes it as `context`."""
    if is_return_reviewer(user, context or return_review_context(user, area)):
        return True, ""
    return False, f"Returns are reviewed by {REVIEWERS_TEXT}."
