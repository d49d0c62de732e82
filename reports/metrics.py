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
organisation type, whose sums are the round's totals, one grouped by theme) returning a few
rows whatever the number of areas: no per-area rows reach Python.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef

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
    ("cba_required", "CBA required"),
    ("plan_submitted", "Final plan submitted"),
    ("plan_signed_off", "Plan signed off"),
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
    organisation's type) and ``by_theme`` (keyed by theme name)."""

    round: Round
    applications: int
    totals: dict
    by_org_type: dict = field(default_factory=dict)
    by_theme: dict = field(default_factory=dict)

    def funnel(self) -> list[dict]:
        counts = {"applications": self.applications, **self.totals}
        return [
            {"stage": key, "label": label, "count": counts[key]} for key, label in FUNNEL_STAGES
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
    """Aggregates counting distinct areas (``area`` is the path to the area's id) overall and
    with each of AREA_FLAGS, for `.aggregate()` or `.values(...).annotate()`."""
    gg = application_selectors.getting_going_gates().filter(area=OuterRef(area))
    approved = gg.filter(status=GateStatus.APPROVED)
    flags = {
        "applied_getting_going": Exists(gg.filter(submitted_at__isnull=False)),
        "approved_getting_going": Exists(approved),
        "cba_required": Exists(approved.filter(cba_required=True)),
        "plan_submitted": Exists(
            plan_selectors.final_submitted_plans().filter(area=OuterRef(area))
        ),
        "plan_signed_off": Exists(plan_selectors.signed_off_plans().filter(area=OuterRef(area))),
    }
    return {
        "admitted": Count(area, distinct=True),
        **{name: Count(area, distinct=True, filter=cond) for name, cond in flags.items()},
    }


def _grouped(qs, key: str, area: str) -> dict:
    return {row.pop(key): row for row in qs.order_by().values(key).annotate(**_counts(area))}


def round_metrics(round: Round) -> RoundMetrics:
    """Read the round's numbers in three queries whose result sizes do not depend on the number
    of areas: the database counts, grouped by organisation type and by theme."""
    applications = application_selectors.submitted_application_count(round=round)
    areas = programme_selectors.round_areas(round=round)
    by_org_type = _grouped(areas, "lead_organisation__org_type", "pk")
    # Every area has exactly one organisation type, so the round's totals are the groups' sums.
    totals = {key: sum(g[key] for g in by_org_type.values()) for key in _EMPTY}
    by_theme = _grouped(AreaTheme.objects.filter(area__round=round), "theme__name", "area_id")
    return RoundMetrics(
        round=round,
        applications=applications,
        totals=totals,
        by_org_type=by_org_type,
        by_theme=by_theme,
    )
