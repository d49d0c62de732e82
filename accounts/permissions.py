"""Role checks as plain functions, used by views, services and templates alike.

Checks that can be refused return ``(allowed, reason)``; the reason is shown to the user.
Objects outside a user's scope are not "forbidden" but absent: views answer 404 for them, so a lead
organisation user cannot even learn that another area exists. Which areas and organisations a
user sees is ``programmes.permissions``' to say (``areas_visible_to``...): accounts is the layer
every app imports, so it does not reach up to programmes' models.
"""

from core.errors import Decision
from core.workflow import user_role

from .models import STAFF_ROLES, Role


def is_programme_manager(user) -> bool:
    return user_role(user) == Role.PROGRAMME_MANAGER


def is_funder_officer(user) -> bool:
    return user_role(user) == Role.FUNDER_OFFICER


def is_finance_officer(user) -> bool:
    return user_role(user) == Role.FINANCE_OFFICER


def is_relationship_manager(user) -> bool:
    return user_role(user) == Role.RELATIONSHIP_MANAGER


def is_lead_organisation_user(user) -> bool:
    return user_role(user) == Role.LEAD_ORGANISATION


def is_admin(user) -> bool:
    return user_role(user) == Role.ADMIN


def is_programme_staff(user) -> bool:
    """The charity's and the department's people: they see every area."""
    return user_role(user) in STAFF_ROLES


def is_manager_or_admin(user) -> bool:
    return is_programme_manager(user) or is_admin(user)


def can_view_area(user, area) -> Decision:
    if is_programme_staff(user):
        return True, ""
    if is_lead_organisation_user(user) and user_belongs_to(user, area.lead_organisation_id):
        return True, ""
    return False, "You can only see areas your organisation leads."


def can_edit_area_partners(user, area) -> Decision:
    if is_manager_or_admin(user):
        return True, ""
    if is_lead_organisation_user(user) and user_belongs_to(user, area.lead_organisation_id):
        return True, ""
    return False, "Only the area's lead organisation or a programme manager can change partners."


def can_create_organisation(user, *, partner_of=None) -> Decision:
    """Programme managers and admins add organisations; a lead organisation user may add one only
    as a new partner of an area they may change the partners of (`partner_of`)."""
    if is_manager_or_admin(user):
        return True, ""
    if partner_of is not None and can_edit_area_partners(user, partner_of)[0]:
        return True, ""
    return False, "Only programme managers and admins can add organisations."


def can_edit_organisation(user, organisation) -> Decision:
    if is_manager_or_admin(user):
        return True, ""
    if is_lead_organisation_user(user) and user_belongs_to(user, organisation.pk):
        return True, ""
    return False, "Only members of this organisation or a programme manager can edit it."


def can_view_organisation(user, organisation) -> Decision:
    if is_programme_staff(user):
        return True, ""
    if is_lead_organisation_user(user):
        if user_belongs_to(user, organisation.pk):
            return True, ""
        # A lead organisation user may see organisations that partner their own areas.
        if organisation.partnerships.filter(
            area__lead_organisation__memberships__user=user
        ).exists():
            return True, ""
    return False, "You can only see your own organisation and your areas' partners."


def can_manage_team(user, organisation) -> Decision:
    """Invite colleagues to an organisation, and remove its members: its own members (lead
    organisation users) and programme managers and admins."""
    if is_manager_or_admin(user):
        return True, ""
    if is_lead_organisation_user(user) and user_belongs_to(user, organisation.pk):
        return True, ""
    return False, "Only the organisation's members or a programme manager can change its team."


def user_belongs_to(user, organisation_id) -> bool:
    cache = getattr(user, "_organisation_ids", None)
    if cache is None:
        cache = set(user.memberships.values_list("organisation_id", flat=True))
        user._organisation_ids = cache
    return organisation_id in cache
