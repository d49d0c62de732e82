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

Everything is read in a fixed number of queries (one for applications, one for the areas with
their flags, one for themes), whatever the number of areas.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef

from applications import selectors as application_selectors
from applications.models import GateStatus
from plans import selectors as plan_selectors
from programmes import selectors as programme_selectors
from programmes.models import OrganisationType, Round

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
    round: Round
    applications: int
    areas: list[dict]  # one dict per area: id, org_type, themes, and the AREA_FLAGS booleans

    def funnel(self) -> list[dict]:
        counts = {"applications": self.applications, "admitted": len(self.areas)}
        for flag in AREA_FLAGS:
            counts[flag] = sum(1 for a in self.areas if a[flag])
        return [
            {"stage": key, "label": label, "count": counts[key]} for key, label in FUNNEL_STAGES
        ]

    def drop_out(self) -> list[dict]:
        """How many are lost between consecutive funnel steps. CBA required is a subset of the
        approved gates rather than a step every area must pass, so it is left out here."""
        steps = [s for s in self.funnel() if s["stage"] != "cba_required"]
        rows = []
        for before, after in zip(steps, steps[1:], strict=False):
            lost = max(before["count"] - after["count"], 0)
            rows.append(
                {
                    "from": before["label"],
                    "to": after["label"],
                    "from_count": before["count"],
                    "to_count": after["count"],
                    "lost": lost,
                    "lost_pct": percent(lost, before["count"]),
                }
            )
        return rows

    def _progression(self, groups: list[tuple[str, list[dict]]], label_key: str) -> list[dict]:
        total_admitted = len(self.areas)
        rows = []
        for label, areas in groups:
            rows.append(_progression_row(label_key, label, areas, total_admitted))
        rows.append(_progression_row(label_key, "Total", self.areas, total_admitted))
        return rows

    def progression_by_org_type(self) -> list[dict]:
        groups = [
            (org_type.label, [a for a in self.areas if a["org_type"] == org_type.value])
            for org_type in OrganisationType
        ]
        return self._progression(groups, "organisation_type")

    def progression_by_theme(self) -> list[dict]:
        """One row per theme used in the round; an area with three themes counts under each, so
        the theme rows add up to more than the total."""
        names = sorted({t for a in self.areas for t in a["themes"]})
        groups = [(name, [a for a in self.areas if name in a["themes"]]) for name in names]
        return self._progression(groups, "theme")


def _progression_row(label_key, label, areas, total_admitted) -> dict:
    admitted = len(areas)
    submitted = sum(1 for a in areas if a["plan_submitted"])
    signed = sum(1 for a in areas if a["plan_signed_off"])
    return {
        label_key: label,
        "admitted": admitted,
        "admitted_share_pct": percent(admitted, total_admitted),
        "plan_submitted": submitted,
        "submitted_rate_pct": percent(submitted, admitted),
        "plan_signed_off": signed,
        "signed_off_rate_pct": percent(signed, admitted),
    }


def round_metrics(round: Round) -> RoundMetrics:
    """Read the round's numbers in three queries."""
    applications = application_selectors.submitted_application_count(round=round)
    gg = application_selectors.getting_going_gates().filter(area=OuterRef("pk"))
    applied = Exists(gg.filter(submitted_at__isnull=False))
    approved = gg.filter(status=GateStatus.APPROVED)
    rows = list(
        programme_selectors.round_areas(round=round)
        .annotate(
            applied_getting_going=applied,
            approved_getting_going=Exists(approved),
            cba_required=Exists(approved.filter(cba_required=True)),
            plan_submitted=Exists(
                plan_selectors.final_submitted_plans().filter(area=OuterRef("pk"))
            ),
            plan_signed_off=Exists(plan_selectors.signed_off_plans().filter(area=OuterRef("pk"))),
        )
        .order_by("pk")
        .values("pk", "lead_organisation__org_type", *AREA_FLAGS)
    )
    themes = programme_selectors.theme_names_in_round(round=round)
    areas = [
        {
            "id": r["pk"],
            "org_type": r["lead_organisation__org_type"],
            "themes": themes.get(r["pk"], []),
            **{flag: bool(r[flag]) for flag in AREA_FLAGS},
        }
        for r in rows
    ]
    return RoundMetrics(round=round, applications=applications, areas=areas)
