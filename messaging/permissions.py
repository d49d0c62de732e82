"""Who reads and writes an area's messages and staff notes, as plain functions returning
``(allowed, reason)``.

The thread is the working channel between the lead organisation and the people who run the
programme day to day: the area's relationship manager, programme managers and admins write in it.
Funder officers read it (as they read the area's support record: the department co-signs the plan
the conversation is mostly about) but do not write. Finance officers and other relationship
managers do not read it. Staff notes are read by the same staff and never by the lead
organisation, which does not even learn how many there are."""

from accounts import permissions as perms
from accounts.models import AreaAssignment
from core.errors import Decision


def is_lead_member(user, area) -> bool:
    return perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    )


def looks_after(user, area) -> bool:
    if not perms.is_relationship_manager(user):
        return False
    cache = getattr(user, "_messaging_area_ids", None)
    if cache is None:
        cache = set(
            AreaAssignment.objects.filter(user=user, ended_on__isnull=True).values_list(
                "area_id", flat=True
            )
        )
        user._messaging_area_ids = cache
    return area.pk in cache


def is_thread_staff(user, area) -> bool:
    """Staff who take part in the area's conversation (and may write notes)."""
    return perms.is_manager_or_admin(user) or looks_after(user, area)


def can_read_thread(user, area) -> Decision:
    if is_lead_member(user, area) or is_thread_staff(user, area) or perms.is_funder_officer(user):
        return True, ""
    if perms.is_relationship_manager(user):
        return False, "You can only read the messages of areas you look after."
    return False, "Only the area's lead organisation and its programme staff read its messages."


def can_post_message(user, area) -> Decision:
    if is_lead_member(user, area) or is_thread_staff(user, area):
        return True, ""
    return False, (
        "Only the area's lead organisation, its relationship manager and programme managers "
        "write in this conversation."
    )


def can_read_notes(user, area) -> Decision:
    if is_thread_staff(user, area) or perms.is_funder_officer(user):
        return True, ""
    return False, "Staff notes are for programme staff."


def can_add_note(user, area) -> Decision:
    if is_thread_staff(user, area):
        return True, ""
    return False, "Only the area's relationship manager and programme managers add staff notes."
