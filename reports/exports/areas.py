"""Exports of the areas list: the same filter and selector as the list page, written as CSV (streamed
row by row) or XLSX (see `core.spreadsheets`)."""

from collections.abc import Iterator

from programmes import selectors as programme_selectors
from programmes.filters import AreaFilter
from programmes.models import Approach, AreaStage, AreaStatus, AreaType, OrganisationType

CHUNK_SIZE = 500

# Rows are plain values, not model instances: building 5,000 Area objects with their prefetches
# cost several seconds more (see bench/README.md).
AREA_FIELDS = [
    "pk",
    "reference",
    "name",
    "lead_organisation__name",
    "lead_organisation__org_type",
    "lead_organisation__org_identifier",
    "local_authority",
    "area_type",
    "approach",
    "round__name",
    "stage",
    "status",
    "joined_on",
    "relationship_manager_name",
]
_ORG_TYPES = dict(OrganisationType.choices)
_AREA_TYPES = dict(AreaType.choices)
_APPROACHES = dict(Approach.choices)
_STAGES = dict(AreaStage.choices)
_STATUSES = dict(AreaStatus.choices)

# (header, value from the row dict).
AREA_COLUMNS = [
    ("Reference", lambda r: r["reference"]),
    ("Area", lambda r: r["name"]),
    ("Lead organisation", lambda r: r["lead_organisation__name"]),
    ("Organisation type", lambda r: _ORG_TYPES.get(r["lead_organisation__org_type"], "")),
    ("Organisation identifier", lambda r: r["lead_organisation__org_identifier"] or ""),
    ("Local authority", lambda r: r["local_authority"]),
    ("Area type", lambda r: _AREA_TYPES.get(r["area_type"], "")),
    ("Themes", lambda r: "; ".join(r["themes"])),
    ("Approach", lambda r: _APPROACHES.get(r["approach"], "")),
    ("Round", lambda r: r["round__name"]),
    ("Stage", lambda r: _STAGES.get(r["stage"], "")),
    ("Status", lambda r: _STATUSES.get(r["status"], "")),
    ("Joined", lambda r: r["joined_on"]),
    ("Relationship manager", lambda r: (r["relationship_manager_name"] or "").strip()),
]


def filtered_areas(*, user, params):
    """The areas the list page would show for these query parameters, in the same order."""
    qs = programme_selectors.area_list(user=user)
    area_filter = AreaFilter(params or None, queryset=qs)
    results = area_filter.qs if area_filter.is_bound else qs
    if not params.get("sort"):
        results = results.order_by("reference")
    return results


def area_rows(areas) -> Iterator[list]:
    """The header, then one row per area. The areas are read in chunks from a database cursor and
    their themes in one query for the whole list beforehand, so the number of queries is the same
    for 100 areas or 20,000 and memory grows only by a pair of ids per theme link."""
    yield [name for name, _ in AREA_COLUMNS]
    themes = programme_selectors.theme_names_of_queryset(areas)
    rows = areas.prefetch_related(None).values(*AREA_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        row["themes"] = themes.get(row["pk"], [])
        yield [value(row) for _, value in AREA_COLUMNS]
