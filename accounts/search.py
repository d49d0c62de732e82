"""What the site search (core.search) finds in accounts: people, for programme staff only (a lead
organisation user has no business looking people up across the programme). A person's result
links to the organisation they belong to, where their team is listed; staff have no page of
their own, so theirs names their role and email address only."""

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from core.search import Hit, SearchKind

from . import permissions as perms
from .models import OrganisationMembership, User


def _people(*, user, query):
    if not perms.is_programme_staff(user):
        return None
    # Each word in one of the name columns, the email address or the username, so "Jane Smith"
    # finds Jane Smith (first and last name are two columns).
    wanted = Q()
    for word in query.split():
        wanted &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    first_membership = OrganisationMembership.objects.filter(user=OuterRef("pk")).order_by("pk")
    return (
        User.objects.filter(wanted, is_active=True)
        .annotate(
            organisation_id=Subquery(first_membership.values("organisation_id")[:1]),
            organisation_name=Subquery(first_membership.values("organisation__name")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )


def _hit(person) -> Hit:
    parts = [person.get_role_display()]
    if person.organisation_name:
        parts.append(person.organisation_name)
    if person.email:
        parts.append(person.email)
    url = ""
    if person.organisation_id:
        url = reverse("programmes:organisation_detail", args=[person.organisation_id])
    return Hit(title=str(person), url=url, detail=" · ".join(parts))


KINDS = [SearchKind(name="people", label="People", order=40, results=_people, hit=_hit)]
