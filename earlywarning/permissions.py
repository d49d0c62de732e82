"""Who sees the early warning: the score is read from the support record (contacts, adviser days,
returns, messages), so the people who see that record see it, for the areas whose record they
see: programme managers, admins and funder officers every area, relationship managers the areas
they look after now."""

from accounts import permissions as perms
from core.errors import Decision
from support.permissions import can_view_support_record, support_areas_visible_to


def can_view_round_warnings(user) -> Decision:
    if perms.is_manager_or_admin(user) or perms.is_funder_officer(user):
        return True, ""
    if perms.is_relationship_manager(user):
        return True, ""
    return False, "The early warning list is for programme staff who support areas."


def can_view_area_warning(user, area) -> Decision:
    return can_view_support_record(user, area)


def warning_areas_visible_to(user, queryset=None):
    return support_areas_visible_to(user, queryset)
