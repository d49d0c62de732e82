"""What the site search (core.search) finds in programmes: areas and organisations, each through
the visibility rule the list pages use (programmes.permissions) and the area list's own matching
(`selectors.areas_matching`, served by the trigram indexes of migrations 0007 and 0009)."""

import re
from urllib.parse import urlencode

from django.urls import reverse

from accounts import permissions as perms
from core.search import Hit, SearchKind

from .models import AreaStatus
from .permissions import areas_visible_to, organisations_visible_to
from .selectors import areas_matching

REFERENCE = re.compile(r"[A-Z0-9-]+")  # as the area's reference validator


def _areas(*, user, query):
    return (
        areas_matching(areas_visible_to(user), query)
        .select_related("lead_organisation", "round")
        .order_by("reference")
    )


def _area_hit(area) -> Hit:
    return Hit(
        title=f"{area.reference} {area.name}",
        url=area.get_absolute_url(),
        detail=(
            f"{area.lead_organisation.name} · {area.local_authority} · {area.round.name} · "
            f"{area.get_stage_display()}"
        ),
        status_of=None if area.status == AreaStatus.ACTIVE else area,
    )


def _areas_list(*, user, query) -> str:
    # Every round and status, as the search itself: the list opens on the current round's open
    # work when given no filter.
    if not perms.is_programme_staff(user):
        return ""
    params = urlencode({"q": query, "round": "", "status": ""})
    return f"{reverse('programmes:area_list')}?{params}"


def _area_by_reference(*, user, query) -> str:
    reference = query.strip().upper()
    if not REFERENCE.fullmatch(reference):  # not a reference's shape: no query
        return ""
    found = areas_visible_to(user).filter(reference=reference).values_list("reference", flat=True)
    found = found.first()
    return reverse("programmes:area_detail", args=[found]) if found else ""


def _organisations(*, user, query):
    # The name only: its trigram index (0007) serves the match; the organisation list's other
    # columns (town, identifiers) have none and would scan every organisation.
    return organisations_visible_to(user).filter(name__icontains=query).order_by("name", "pk")


def _organisation_hit(organisation) -> Hit:
    town = f" · {organisation.town}" if organisation.town else ""
    return Hit(
        title=organisation.name,
        url=organisation.get_absolute_url(),
        detail=f"{organisation.get_org_type_display()}{town}",
    )


def _organisations_list(*, user, query) -> str:
    if not perms.is_programme_staff(user):
        return ""
    return f"{reverse('programmes:organisation_list')}?{urlencode({'q': query})}"


KINDS = [
    SearchKind(
        name="areas",
        label="Areas",
        order=10,
        results=_areas,
        hit=_area_hit,
        see_all=_areas_list,
        exact=_area_by_reference,
    ),
    SearchKind(
        name="organisations",
        label="Organisations",
        order=20,
        results=_organisations,
        hit=_organisation_hit,
        see_all=_organisations_list,
    ),
]
