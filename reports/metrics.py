"""The programme's funnel and progression numbers, defined once.

The `report funnel` / `report progression` commands, the dashboard and the programme report PDF
all read these functions, so a number means the same thing everywhere.

Definitions (per round):

- ``applications``: applications to join that were submitted (``submitted_at`` set), whatever
  happened to them afterwards, imported history included. Drafts never sent are not counted.
- ``admitted``: areas in the round (an area exists only once its application is admitted).
- ``applied_getting_going``: areas that submitted a Getting Going gate application (any outcome,
  withdrawn after submission included; drafts never sent are not counted).
- ``approved_getting_going``: areas whose Getting Going gate was approved.
- ``cba_required``: approved Getting Going gates that required a cost benefit analysis.
- ``plan_submitted``: areas whose final operational plan was submitted (ever).
- ``plan_signed_off``: plans signed off by both parties (imported "approved" outcomes are signed
  off through the same service, so they count here too).

Everything is counted by the database in three queries (one for applications, one grouped by
organisation type and stage, whose sums are the round's totals, one grouped by theme) returning a few
rows whatever the number of areas: no per-area rows reach Python.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from applications import selectors as application_selectors
from applications.models import GateStatus
from plans import selectors as plan_selectors
from programmes import selectors as programme_selectors
from programmes.models import AreaTheme, OrganisationType, Round

FUNNEL_STAGES = [
    ("applications", "Applications"),
    ("admitted", "Admitted"),
    ("applied_getting_going", "Applied for Getting Going"),
    ("approved_getting_going", "Getting Going approved"),
    ("plan_submitted", "Final plan submitted"),
    ("plan_signed_off", "Plan signed off"),
]
# Not steps every area passes but requirements set on some of them at a step: shown beside the
# funnel, never drawn in it (a "CBA required" bar read as a stage areas fell out at).
FUNNEL_FLAGS = [
    ("cba_required", "CBA required", "approved_getting_going"),
]
PROGRESSION_KEYS = [
    "admitted",
    "admitted_share_pct",
    "plan_submitted",
    "submitted_rate_pct",
    "plan_signed_off",
    "signed_off_rate_pct",
]
AREA_FLAGS = [
    "applied_getting_going",
    "approved_getting_going",
    "cba_required",
    "plan_submitted",
    "plan_signed_off",
]


def percent(part: int, whole: int) -> int:
    """A whole-number percentage, rounded half up (1 of 8 = 12.5% -> 13); 0 when whole is 0."""
    if not whole:
        return 0
    value = Decimal(part) * 100 / Decimal(whole)
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class RoundMetrics:
    """The round's counts, already grouped by the database: ``totals`` (admitted and each of
    AREA_FLAGS for the whole round), ``by_org_type`` (the same counts keyed by the lead
    organisation's type), ``by_theme`` (keyed by theme name) and ``by_stage`` (areas by their
    current stage)."""

    round: Round
    applications: int
    totals: dict
    by_org_type: dict = field(default_factory=dict)
    by_theme: dict = field(default_factory=dict)
    # How many of the round's areas are at each stage (stages with none are absent).
    by_stage: dict = field(default_factory=dict)

    def funnel(self) -> list[dict]:
        counts = {"applications": self.applications, **self.totals}
        return [
            {"stage": key, "label": label, "count": counts[key]} for key, label in FUNNEL_STAGES
        ]

    def funnel_flags(self) -> list[dict]:
        """Each requirement set at a step (FUNNEL_FLAGS), with how many of that step's areas
        carry it: ``of`` is the step's count."""
        return [
            {"stage": key, "label": label, "count": self.totals[key], "of": self.totals[step]}
            for key, label, step in FUNNEL_FLAGS
        ]

    def _progression(self, groups: list[tuple[str, dict]], label_key: str) -> list[dict]:
        total_admitted = self.totals["admitted"]
        rows = [_progression_row(label_key, label, c, total_admitted) for label, c in groups]
        rows.append(_progression_row(label_key, "Total", self.totals, total_admitted))
        return rows

    def progression_by_org_type(self) -> list[dict]:
        groups = [
            (org_type.label, self.by_org_type.get(org_type.value, _EMPTY))
            for org_type in OrganisationType
        ]
        return self._progression(groups, "organisation_type")

    def progression_by_theme(self) -> list[dict]:
        """One row per theme used in the round; an area with three themes counts under each, so
        the theme rows add up to more than the total."""
        groups = [(name, self.by_theme[name]) for name in sorted(self.by_theme)]
        return self._progression(groups, "theme")


_EMPTY = {"admitted": 0, **dict.fromkeys(AREA_FLAGS, 0)}


def _progression_row(label_key, label, counts, total_admitted) -> dict:
    admitted = counts["admitted"]
    submitted = counts["plan_submitted"]
    signed = counts["plan_signed_off"]
    return {
        label_key: label,
        "admitted": admitted,
        "admitted_share_pct": percent(admitted, total_admitted),
        "plan_submitted": submitted,
        "submitted_rate_pct": percent(submitted, admitted),
        "plan_signed_off": signed,
        "signed_off_rate_pct": percent(signed, admitted),
    }


def _counts(area: str) -> dict:
    """Aggregates counting the rows (``area`` is the path to the area's id) overall and with each
    of AREA_FLAGS, for `.values(...).annotate()` over rows that name each area at most once per
    group (an area, or an area's theme: unique per area and theme), so no DISTINCT is needed.

    Each flag is ``area IN (subquery)``: the subquery does not refer to the outer row, so
    PostgreSQL reads it once into a hash and probes it per row, where a correlated EXISTS would
    run an index lookup per row and flag (five per area, 200,000 lookups at 20,000 areas)."""
    gg = application_selectors.getting_going_gates()
    approved = gg.filter(status=GateStatus.APPROVED)
    in_ = f"{area}__in"
    flags = {
        "applied_getting_going": Q(
            **{in_: gg.filter(submitted_at__isnull=False).values("area_id")}
        ),
        "approved_getting_going": Q(**{in_: approved.values("area_id")}),
        "cba_required": Q(**{in_: approved.filter(cba_required=True).values("area_id")}),
        "plan_submitted": Q(**{in_: plan_selectors.final_submitted_plans().values("area_id")}),
        "plan_signed_off": Q(**{in_: plan_selectors.signed_off_plans().values("area_id")}),
    }
    return {
        "admitted": Count(area),
        **{name: Count(area, filter=cond) for name, cond in flags.items()},
    }


def _grouped(qs, keys: list[str], area: str) -> list[dict]:
    return list(qs.order_by().values(*keys).annotate(**_counts(area)))


def _add(into: dict, key, row: dict) -> None:
    counts = into.setdefault(key, dict(_EMPTY))
    for name in _EMPTY:
        counts[name] += row[name]


def round_metrics(round: Round, *, applications: int | None = None) -> RoundMetrics:
    """Read the round's numbers in three queries whose result sizes do not depend on the number
    of areas: the database counts, grouped by organisation type and stage, and by theme.

    ``applications``, when the caller already has it (the dashboard reads it from the drop-out's
    first step, the same count), saves the first query."""
    if applications is None:
        applications = application_selectors.submitted_application_count(round=round)
    areas = programme_selectors.round_areas(round=round)
    by_org_type: dict = {}
    by_stage: dict = {}
    for row in _grouped(areas, ["lead_organisation__org_type", "stage"], "pk"):
        _add(by_org_type, row["lead_organisation__org_type"], row)
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + row["admitted"]
    # Every area has exactly one organisation type, so the round's totals are the groups' sums.
    totals = {key: sum(g[key] for g in by_org_type.values()) for key in _EMPTY}
    themes = AreaTheme.objects.filter(area__round=round)
    by_theme = {row.pop("theme__name"): row for row in _grouped(themes, ["theme__name"], "area_id")}
    return RoundMetrics(
        round=round,
        applications=applications,
        totals=totals,
        by_org_type=by_org_type,
        by_theme=by_theme,
        by_stage=by_stage,
    )
