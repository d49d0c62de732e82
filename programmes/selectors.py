"""Reads for the programme pages, shaped so each page runs a fixed number of queries."""

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from accounts.models import AreaAssignment
from accounts.permissions import areas_visible_to, organisations_visible_to

from .models import Area, AreaTheme, Organisation, Partner, Round


def _current_rm_name():
    current = AreaAssignment.objects.filter(area=OuterRef("pk"), ended_on__isnull=True)
    return Subquery(
        current.annotate(
            full=Concat(F("user__first_name"), Value(" "), F("user__last_name"))
        ).values("full")[:1]
    )


def area_list(*, user) -> QuerySet[Area]:
    """Areas the user may see, with everything the list shows joined or prefetched."""
    return (
        areas_visible_to(user)
        .select_related("lead_organisation", "round")
        .prefetch_related(
            Prefetch(
                "area_themes",
                queryset=AreaTheme.objects.select_related("theme").order_by("position"),
            )
        )
        .annotate(relationship_manager_name=_current_rm_name())
    )


def area_detail(*, user, reference: str) -> QuerySet[Area]:
    return (
        area_list(user=user)
        .filter(reference=reference)
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=Partner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch(
                "assignments",
                queryset=AreaAssignment.objects.select_related("user").order_by("-started_on"),
            ),
        )
    )


def organisation_list(*, user) -> QuerySet[Organisation]:
    from django.db.models import Count

    return (
        organisations_visible_to(user)
        .order_by("name")
        .annotate(
            areas_led=Count("led_areas", distinct=True),
            partner_of=Count("partnerships", distinct=True),
        )
    )


def local_authorities() -> list[str]:
    return list(
        Area.objects.order_by("local_authority")
        .values_list("local_authority", flat=True)
        .distinct()
    )


def current_round() -> Round | None:
    return (
        Round.objects.filter(status__in=[Round.Status.LIVE, Round.Status.OPEN])
        .order_by("-starts_on")
        .first()
    )


PARTNER_SUGGESTIONS = 100
PARTNER_SEARCH_RESULTS = 30


def partner_candidates(area, *, query: str = "", selected=None) -> list:
    """Organisations to offer as partners of ``area``, without listing every organisation in the
    programme: with no search, those already working in the area's local authority (leading or
    partnering an area there); with a search (two letters or more), names containing it. Never
    the area's own lead organisation. ``selected`` (an id) is always included so a form shown
    again keeps its choice. One query."""
    from django.db.models import Q

    from .models import Organisation

    qs = Organisation.objects.exclude(pk=area.lead_organisation_id)
    query = (query or "").strip()
    if len(query) >= 2:
        wanted = Q(name__icontains=query)
        limit = PARTNER_SEARCH_RESULTS
    else:
        wanted = Q(led_areas__local_authority=area.local_authority) | Q(
            partnerships__area__local_authority=area.local_authority
        )
        limit = PARTNER_SUGGESTIONS
    if selected:
        wanted |= Q(pk=selected)
    ids = qs.filter(wanted).values("pk").distinct()
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk").only("name")[:limit])
