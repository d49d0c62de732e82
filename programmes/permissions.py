"""Which areas and organisations a user sees, and who may see what of an organisation beyond its
public record.

A lead organisation user sees the areas their organisations lead, and the organisations they
belong to or that partner those areas; programme staff see everything. (Scopes over programmes'
own models live here, beside the models, rather than in accounts, which every app imports.)

An organisation's contact details (email, phone, postal address) are personal data of the people
who run small community groups: only programme staff and the organisation's own users see them.
Anyone else who may see the organisation at all (a lead organisation user whose area it partners)
sees its name, type and public identifiers. Adding an organisation as a partner therefore never
reveals how to contact it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import permissions as perms

from .models import Area, Organisation

Decision = tuple[bool, str]


def can_see_contact_details(user, organisation) -> Decision:
    if perms.is_programme_staff(user):
        return True, ""
    if perms.is_lead_organisation_user(user) and perms.user_belongs_to(user, organisation.pk):
        return True, ""
    return False, "Contact details are shown only to the organisation's own users and to staff."


def areas_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Every area for programme staff; for a lead organisation user, the areas their organisations
    lead; nothing for anyone else."""
    qs = queryset if queryset is not None else Area.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(lead_organisation__memberships__user=user).distinct()
    return qs.none()


def in_visible_areas(qs: QuerySet, user, path: str = "area") -> QuerySet:
    """`qs` (rows that each belong to an area, through the non-null relation `path`) narrowed to
    the areas `user` may see. Programme staff see every area, so their rows are left as they are:
    filtering by "any area" only made the database read every area (a semi-join over all of
    them, 4 ms at 20,000 areas for each list or count that did it)."""
    if perms.is_programme_staff(user):
        return qs
    return qs.filter(**{f"{path}__in": areas_visible_to(user)})


def visible_area_or_404(user, reference: str) -> Area:
    """The area `reference` names, with its round and lead organisation, if `user` may see it;
    404 otherwise (an area outside a lead organisation's scope is not said to exist)."""
    area = (
        areas_visible_to(user, Area.objects.select_related("round", "lead_organisation"))
        .filter(reference=reference)
        .first()
    )
    if area is None:
        raise Http404("No such area.")
    return area


def organisations_editable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else Organisation.objects.all()
    if perms.is_manager_or_admin(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(memberships__user=user)
    return qs.none()


def organisations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else Organisation.objects.all()
    if perms.is_programme_staff(user):
        return qs
    if perms.is_lead_organisation_user(user):
        return qs.filter(
            Q(memberships__user=user)
            | Q(partnerships__area__lead_organisation__memberships__user=user)
        ).distinct()
    return qs.none()
