"""Who may do what with applications and stage gates. Each check returns (allowed, reason).

The workflow table (workflows.py) says which *role* may make a move; these checks add *scope*:
a lead organisation user acts only for organisations they belong to.
"""

from django.db.models import Q, QuerySet

from accounts import permissions as perms
from programmes.permissions import areas_visible_to

Decision = tuple[bool, str]


def applications_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import Application

    qs = queryset if queryset is not None else Application.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(Q(organisation__memberships__user=user) | Q(applicant=user)).distinct()
    return qs.none()


def gates_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import GateApplication

    qs = queryset if queryset is not None else GateApplication.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(area__in=areas_visible_to(user))
    return qs.none()


def can_apply(user) -> Decision:
    if perms.is_lead_organisation_user(user):
        return True, ""
    return False, "Only lead organisation users can apply to join a round."


def acts_for_application(user, application) -> bool:
    return perms.is_lead_organisation_user(user) and (
        application.applicant_id == user.pk
        or perms.user_belongs_to(user, application.organisation_id)
    )


def can_edit_application(user, application) -> Decision:
    if not acts_for_application(user, application):
        return False, "Only the applying organisation can change this application."
    if application.status != "draft":
        return False, "This application has been sent, so it can no longer be changed."
    return True, ""


def can_assess(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can assess applications."


def can_act_for_area(user, area) -> Decision:
    """Prepare and send the area's gate applications: its lead organisation's users."""
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(
        user, area.lead_organisation_id
    ):
        return True, ""
    return False, "Only the area's lead organisation can apply for the next stage."


def can_decide_gate(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can decide stage-gate applications."


def can_grant_extension(user) -> Decision:
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can extend deadlines."


def can_change_area_status(user) -> Decision:
    """Recording that an area has left the programme, or reinstating it."""
    if perms.is_manager_or_admin(user):
        return True, ""
    return False, "Only programme managers can record that an area has left the programme."
