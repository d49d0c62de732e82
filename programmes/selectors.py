"""Reads for the programme pages, shaped so each page runs a fixed number of queries."""

from django.db import connection
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from accounts.models import AreaAssignment
from core.area_writes import area_write_annotations
from core.search import among

from .models import Area, AreaTheme, Organisation, Partner, Round, Theme
from .permissions import areas_visible_to, organisations_visible_to


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


def areas_matching(queryset: QuerySet[Area], words: str) -> QuerySet[Area]:
    """Areas of `queryset` whose reference, name, district or lead organisation's name contains
    the words: the area list's search and the site search (core.search) alike.

    One id subquery per column, joined by UNION ALL, rather than one OR across two tables: each
    part can use its own trigram index on PostgreSQL (migrations 0007 and 0009), where the OR
    forced a scan of every area and organisation (75 ms at 20,000 areas, 1 ms after)."""
    words = words.strip()
    if not words:
        return queryset
    by_column = [
        Area.objects.filter(**{f"{column}__icontains": words}).order_by().values("pk")
        for column in ("reference", "name", "local_authority")
    ]
    organisations = Organisation.objects.filter(name__icontains=words).order_by().values("pk")
    by_column.append(
        Area.objects.filter(lead_organisation__in=organisations).order_by().values("pk")
    )
    return queryset.filter(among(by_column[0].union(*by_column[1:], all=True)))


def area_detail(*, user, reference: str) -> QuerySet[Area]:
    """One area with what its page's panels read: the one-to-one records (admission, strategy,
    CBA, operational plan, Making it Happen application) come in the same query, so each panel
    finds them cached instead of asking again (see `core.memo.cached_one_to_one`). The area
    page's view adds the panels' figures (`core.area_figures`)."""
    return (
        area_list(user=user)
        .filter(reference=reference)
        .select_related(
            "application",
            "development_strategy",
            "cba",
            "operational_plan",
            "making_it_happen__gate",
            "making_it_happen__updated_by",
        )
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=Partner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
        )
        # The overview shows the current relationship manager only: two columns of the area's
        # own row rather than a query for every assignment the area has had.
        .annotate(
            current_rm=_current_assignment(
                Coalesce(
                    NullIf(
                        Trim(Concat("user__first_name", Value(" "), "user__last_name")), Value("")
                    ),
                    "user__username",
                )
            ),
            current_rm_since=_current_assignment(F("started_on")),
            # What the holds on writing the area's records read (core.area_writes), so the
            # page's panels ask them no query of their own.
            **area_write_annotations(),
        )
    )


def _current_assignment(value):
    """`value` of the area's current assignment (None when no one looks after it). The name is
    the user's str(): their full name, else their username."""
    current = AreaAssignment.objects.filter(area=OuterRef("pk"), ended_on__isnull=True)
    return Subquery(current.order_by("-started_on").annotate(value=value).values("value")[:1])


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
    """Every area's local authority once, in order. One query that steps from each district to
    the next through area_local_authority_idx (a probe per district, about 120 of them), where a
    DISTINCT read and sorted every area (6 ms at 20,000 areas, 0.6 ms this way)."""
    table = connection.ops.quote_name(Area._meta.db_table)
    column = connection.ops.quote_name(Area._meta.get_field("local_authority").column)
    sql = f"""
        WITH RECURSIVE district(name) AS (
            SELECT (SELECT {column} FROM {table} ORDER BY {column} LIMIT 1)
            UNION ALL
            SELECT (SELECT {column} FROM {table} WHERE {column} > district.name
                    ORDER BY {column} LIMIT 1)
            FROM district WHERE district.name IS NOT NULL
        )
        SELECT name FROM district WHERE name IS NOT NULL
    """  # table and column names come from the model, never from the request
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [name for (name,) in cursor.fetchall()]


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


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app (funnel, dashboard, PDF sections, areas export) reads from programmes.
# Appended as one block by the reports refactor; its import sits here so the file's head is left
# to its owners.

from django.db.models import Count  # noqa: E402


def area_for_report(*, pk: int) -> Area:
    """The area with its lead organisation, round, programme, themes (in order) and partners (by
    name): everything an area report reads, loaded once."""
    return (
        Area.objects.select_related("lead_organisation", "round", "round__programme")
        .prefetch_related(
            Prefetch(
                "area_themes",
                queryset=AreaTheme.objects.select_related("theme").order_by("position"),
            ),
            Prefetch(
                "partners",
                queryset=Partner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
        )
        .get(pk=pk)
    )


def areas_of_finished_rounds() -> QuerySet[Area]:
    """The ids of every area of a finished round, for leaving their work out of a queue:
    ``exclude(area__in=areas_of_finished_rounds())`` reads only those areas (none while every
    round runs), where ``exclude(area__round__status=...)`` joined the queue to every area and
    its round to test each row (13 ms of My work's counts at 20,000 areas)."""
    return Area.objects.filter(round__status=Round.Status.FINISHED).values("pk")


def round_areas(*, round: Round) -> QuerySet[Area]:
    """Every area of the round, for callers that annotate and shape it themselves."""
    return Area.objects.filter(round=round)


def round_area_counts(*, round: Round) -> list[dict]:
    """How many of the round's areas there are by stage, status and lead organisation type:
    dicts with ``stage``, ``status``, ``lead_organisation__org_type`` and ``n``. One query."""
    return list(
        round_areas(round=round)
        .values("stage", "status", "lead_organisation__org_type")
        .annotate(n=Count("id"))
    )


def round_stage_counts(*, round: Round) -> dict[str, int]:
    """How many of the round's areas are at each stage (stages with none are absent)."""
    return {
        row["stage"]: row["n"]
        for row in round_areas(round=round).order_by().values("stage").annotate(n=Count("id"))
    }


def area_ids_in_stages(*, round: Round, stages) -> list[int]:
    """Ids of the round's areas at any of `stages`."""
    return list(round_areas(round=round).filter(stage__in=stages).values_list("pk", flat=True))


def _theme_names(area_themes) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for area_id, name in area_themes.order_by("area_id", "position").values_list(
        "area_id", "theme__name"
    ):
        names.setdefault(area_id, []).append(name)
    return names


def theme_names_in_round(*, round: Round) -> dict[int, list[str]]:
    """Each of the round's areas' theme names in order, by area id. One query."""
    return _theme_names(AreaTheme.objects.filter(area__round=round))


def theme_names_of_queryset(areas) -> dict[int, list[str]]:
    """The theme names of every area in a queryset, by area id, in two queries however many areas
    there are (one for the handful of theme names, one for the links as pairs of ids), so an
    export of 20,000 areas does not run a query per chunk. The names are shared objects from the
    small theme table, so memory grows only by the id pairs."""
    theme_names = dict(Theme.objects.values_list("pk", "name"))
    names: dict[int, list[str]] = {}
    links = (
        AreaTheme.objects.filter(area__in=areas.order_by().values("pk"))
        .order_by("area_id", "position")
        .values_list("area_id", "theme_id")
    )
    for area_id, theme_id in links.iterator(chunk_size=5000):
        names.setdefault(area_id, []).append(theme_names[theme_id])
    return names


def theme_names_of_areas(*, area_ids) -> dict[int, list[str]]:
    """The theme names of the given areas in order, by area id. One query."""
    return _theme_names(AreaTheme.objects.filter(area_id__in=area_ids))
