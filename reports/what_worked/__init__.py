"""What worked, for whom: a round's areas compared by their context (lead organisation type in the
evaluation's two groups, theme, specific or general approach, deprivation), on the support they
received, how far they got and what they achieved; the round's CBA forecast against outturn by
benefit type; and the obstacles and enablers ticked in progress returns, by group and stage.

    facts.py     one row of facts per area, read in a fixed number of queries
    measures.py  the groups (DIMENSIONS) and the measures (MEASURES), declared once

`what_worked(round)` computes every figure once; the page, the PDF chapter, the downloads, the
open-data file and ``report what_worked`` all read its `rows()`/tables. Every figure carries its
n and is withheld ("suppressed") when n is under five, as the surveys' figures are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from delivery.models import Factor, FactorKind
from plans.models import BenefitType
from programmes.models import AreaStage, Round

from ..metrics import percent
from .facts import AreaFacts, BenefitOutturn, RoundFacts, area_facts
from .measures import ALL, DIMENSIONS, MEASURES, MIN_GROUP, SECTIONS, Measure, fixed_groups

__all__ = [
    "COLUMNS",
    "DIMENSIONS",
    "MEASURES",
    "MIN_GROUP",
    "SUPPRESSED",
    "Cell",
    "WhatWorked",
    "what_worked",
]

SUPPRESSED = "suppressed"
ZERO = Decimal("0")
# The long format every download shares: one row per table, group and measure.
COLUMNS = [
    "table",
    "dimension",
    "group",
    "group_label",
    "measure",
    "measure_label",
    "unit",
    "n",
    "value",
]


@dataclass(frozen=True)
class Cell:
    """One figure: `n` areas counted, `value` computed from them (None when withheld)."""

    n: int
    value: object = None

    @property
    def suppressed(self) -> bool:
        return self.n < MIN_GROUP

    @property
    def shown(self):
        """The value as published: the figure, or "suppressed"."""
        return SUPPRESSED if self.suppressed else self.value


def _cell(measure: Measure, areas: list[AreaFacts]) -> Cell:
    counted = [f for f in areas if measure.applies(f)]
    if len(counted) < MIN_GROUP:
        return Cell(len(counted))  # never computed, so never leaked
    return Cell(len(counted), measure.compute(counted))


# The CBA comparison's rows: benefit types, then benefits nobody forecast, then costs.
CBA_ROWS = [
    *[(t.value, f"{t.label} benefits") for t in BenefitType],
    ("unforeseen_benefits", "Benefits not in the forecast"),
    ("costs", "Costs"),
    ("unforeseen_costs", "Costs not in the forecast"),
]
CBA_MEASURES = [
    ("forecast_before_bias", "Forecast before optimism bias", "pounds"),
    ("forecast", "Forecast (after optimism bias for benefits)", "pounds"),
    ("outturn", "Outturn", "pounds"),
    ("outturn_pct_of_forecast", "Outturn as a share of forecast", "percent"),
    ("assumed_optimism_pct", "Optimism bias assumed", "percent"),
    ("observed_shortfall_pct", "Shortfall observed (forecast before bias less outturn)", "percent"),
]


def _cba_row_key(line: BenefitOutturn) -> str:
    if line.kind == "cost":
        return "costs" if line.forecast is not None else "unforeseen_costs"
    if line.forecast is None:
        return "unforeseen_benefits"
    return line.benefit_type


def _cba_cells(lines: list[BenefitOutturn]) -> dict[str, Cell]:
    n = len({line.area_id for line in lines})
    if n < MIN_GROUP:
        return {key: Cell(n) for key, _, _ in CBA_MEASURES}
    forecast_lines = [x for x in lines if x.forecast is not None]
    benefits = any(x.kind == "benefit" for x in lines)
    raw = sum((x.forecast_raw for x in forecast_lines), ZERO)
    forecast = sum((x.forecast for x in forecast_lines), ZERO)
    outturn = sum((x.actual for x in lines), ZERO)
    values = {
        "forecast_before_bias": raw if forecast_lines else None,
        "forecast": forecast if forecast_lines else None,
        "outturn": outturn,
        "outturn_pct_of_forecast": percent(outturn, forecast) if forecast else None,
        # Optimism bias is applied to benefits only: for costs it does not apply.
        "assumed_optimism_pct": percent(raw - forecast, raw) if raw and benefits else None,
        "observed_shortfall_pct": percent(raw - outturn, raw) if raw else None,
    }
    return {key: Cell(n, values[key]) for key, _, _ in CBA_MEASURES}


FACTOR_DIMENSIONS = [
    (ALL, "All areas with a return"),
    ("organisation_group", "Lead organisation type group"),
    ("stage", "Stage"),
]
FACTOR_STAGES = [AreaStage.IMPLEMENTATION, AreaStage.MAKING_IT_HAPPEN]


def _factor_groups(f: AreaFacts) -> dict[str, str]:
    return {ALL: ALL, "organisation_group": f.org_group, "stage": f.stage}


@dataclass
class WhatWorked:
    round: Round
    as_at: date
    areas: int
    # dimension -> [(group key, label)], in the order shown
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (dimension, group) -> how many areas are in the group
    group_sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    # (dimension, group, measure) -> Cell
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    # CBA row key -> measure key -> Cell
    cba: dict[str, dict[str, Cell]] = field(default_factory=dict)
    # factor dimension -> [(group key, label)]
    factor_groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (factor, kind, dimension, group) -> Cell (n: areas with a return; value: areas ticking it)
    factors: dict[tuple[str, str, str, str], Cell] = field(default_factory=dict)

    # --- Tables for the page and the PDF ---

    def group_label(self, dimension: str, group: str) -> str:
        return dict(self.groups.get(dimension, []) + self.factor_groups.get(dimension, [])).get(
            group, group
        )

    def table(self, dimension: str) -> dict:
        """The measures for one dimension's groups, with "All areas" first, by section."""
        columns = [(ALL, ALL, "All areas")] + [
            (dimension, key, label) for key, label in self.groups[dimension] if dimension != ALL
        ]
        sections = []
        for section, title in SECTIONS:
            rows = [
                {
                    "measure": m,
                    "cells": [self.cells[(dim, key, m.key)] for dim, key, _ in columns],
                }
                for m in MEASURES
                if m.section == section
            ]
            sections.append({"key": section, "title": title, "rows": rows})
        return {
            "dimension": dimension,
            "label": {d.key: d.label for d in DIMENSIONS}[dimension],
            "columns": [
                {"key": key, "label": label, "areas": self.group_sizes[(dim, key)]}
                for dim, key, label in columns
            ],
            "sections": sections,
        }

    def cba_table(self) -> list[dict]:
        return [
            {
                "key": key,
                "label": label,
                "n": self.cba[key]["outturn"].n,
                "cells": [self.cba[key][m] for m, _, _ in CBA_MEASURES],
            }
            for key, label in CBA_ROWS
        ]

    def factor_table(self) -> dict:
        columns = [
            (dim, key, label)
            for dim, _ in FACTOR_DIMENSIONS
            for key, label in self.factor_groups[dim]
        ]
        rows = []
        for kind, kind_label in FactorKind.choices:
            for factor, factor_label in Factor.choices:
                rows.append(
                    {
                        "kind": kind_label,
                        "factor": factor_label,
                        "cells": [self.factors[(factor, kind, d, g)] for d, g, _ in columns],
                    }
                )
        return {
            "columns": [
                {"label": label, "n": self.factors[(Factor.choices[0][0], "obstacle", d, g)].n}
                for d, g, label in columns
            ],
            "rows": rows,
        }

    @property
    def has_returns(self) -> bool:
        return self.factors[(Factor.choices[0][0], "obstacle", ALL, ALL)].n > 0

    # --- The long format every download shares ---

    def rows(self) -> list[list]:
        """The header (`COLUMNS`) then one row per table, group and measure."""
        out = [list(COLUMNS)]
        for d in DIMENSIONS:
            for group, label in self.groups[d.key]:
                for m in MEASURES:
                    cell = self.cells[(d.key, group, m.key)]
                    out.append(
                        [
                            "measures",
                            d.key,
                            group,
                            label,
                            m.key,
                            m.label,
                            m.unit_label,
                            cell.n,
                            cell.shown,
                        ]
                    )
        for key, label in CBA_ROWS:
            for m, m_label, unit in CBA_MEASURES:
                cell = self.cba[key][m]
                out.append(
                    [
                        "cba_forecast_vs_outturn",
                        "benefit_type",
                        key,
                        label,
                        m,
                        m_label,
                        _UNIT[unit],
                        cell.n,
                        cell.shown,
                    ]
                )
        for kind, kind_label in FactorKind.choices:
            for factor, factor_label in Factor.choices:
                for dim, _ in FACTOR_DIMENSIONS:
                    for group, label in self.factor_groups[dim]:
                        cell = self.factors[(factor, kind, dim, group)]
                        out.append(
                            [
                                "obstacles_and_enablers",
                                dim,
                                group,
                                label,
                                f"{kind}:{factor}",
                                f"{kind_label}: {factor_label}",
                                "areas ticking it",
                                cell.n,
                                cell.shown,
                            ]
                        )
        return out


_UNIT = {"pounds": "£", "percent": "% of forecast"}


def what_worked(round: Round, *, as_at: date | None = None) -> WhatWorked:
    """Every figure of the round's learning, from one read of its areas' facts."""
    from django.utils import timezone

    facts: RoundFacts = area_facts(round)
    result = WhatWorked(round=round, as_at=as_at or timezone.localdate(), areas=len(facts.areas))

    members: dict[tuple[str, str], list[AreaFacts]] = defaultdict(list)
    for f in facts.areas:
        for d in DIMENSIONS:
            for group in d.groups_of(f):
                members[(d.key, group)].append(f)
    for d in DIMENSIONS:
        groups = facts.themes if d.key == "theme" else fixed_groups(d.key)
        result.groups[d.key] = list(groups)
        for group, _ in groups:
            areas = members.get((d.key, group), [])
            result.group_sizes[(d.key, group)] = len(areas)
            for m in MEASURES:
                result.cells[(d.key, group, m.key)] = _cell(m, areas)

    by_row: dict[str, list[BenefitOutturn]] = defaultdict(list)
    for line in facts.outturns:
        by_row[_cba_row_key(line)].append(line)
    result.cba = {key: _cba_cells(by_row.get(key, [])) for key, _ in CBA_ROWS}

    result.factor_groups = {
        ALL: [(ALL, "All areas with a return")],
        "organisation_group": fixed_groups("organisation_group"),
        "stage": [(s.value, s.label) for s in FACTOR_STAGES],
    }
    returned: dict[tuple[str, str], list[AreaFacts]] = defaultdict(list)
    for f in facts.areas:
        if f.has_return:
            for dim, group in _factor_groups(f).items():
                returned[(dim, group)].append(f)
    for factor, _ in Factor.choices:
        for kind, _ in FactorKind.choices:
            for dim, groups in result.factor_groups.items():
                for group, _ in groups:
                    areas = returned.get((dim, group), [])
                    n = len(areas)
                    ticked = None
                    if n >= MIN_GROUP:
                        ticked = sum(
                            1
                            for f in areas
                            if factor in (f.obstacles if kind == "obstacle" else f.enablers)
                        )
                    result.factors[(factor, kind, dim, group)] = Cell(n, ticked)
    return result


# --- Open data ------------------------------------------------------------------------------------

OPEN_DATA_COLUMNS = ["round", "as_at", *COLUMNS]

COLUMN_MEANINGS = {
    "round": "The round the figures describe (its short name).",
    "as_at": "The date the figures were read (YYYY-MM-DD).",
    "table": (
        "measures: areas compared by group; cba_forecast_vs_outturn: the round's cost benefit "
        "analyses, forecast against outturn, by benefit type; obstacles_and_enablers: the factors "
        "ticked in progress returns."
    ),
    "dimension": "What the areas are grouped by (see the dimension rows below).",
    "group": "The group's key within its dimension.",
    "group_label": "The group's name.",
    "measure": "The measure's key (see the measure rows below).",
    "measure_label": "The measure's name.",
    "unit": "How the value reads.",
    "n": "How many areas the figure counts (who counts is given per measure below).",
    "value": (
        f"The figure; 'suppressed' when n is under {MIN_GROUP}, so that no area can be "
        "identified; empty when there is nothing to compare (no forecast to set an outturn "
        "against). Money in pounds, percentages as whole numbers."
    ),
}


def dictionary_rows() -> list[list]:
    """The data dictionary of the open-data file: every column, dimension, group and measure,
    and the suppression rule, as rows of (kind, name, meaning)."""
    rows = [["kind", "name", "meaning"]]
    rows += [["column", name, COLUMN_MEANINGS[name]] for name in OPEN_DATA_COLUMNS]
    for d in DIMENSIONS:
        groups = fixed_groups(d.key)
        listed = "; ".join(f"{key} = {label}" for key, label in groups) or (
            "one group per theme the round's areas chose (an area with three themes counts in each)"
        )
        rows.append(["dimension", d.key, f"{d.label}: {listed}."])
    for m in MEASURES:
        rows.append(
            [
                "measure",
                m.key,
                f"{m.label} ({m.unit_label}; section: {dict(SECTIONS)[m.section]}). "
                f"n counts {m.n_means}.",
            ]
        )
    for key, label, unit in CBA_MEASURES:
        rows.append(
            [
                "measure",
                key,
                f"{label} ({_UNIT[unit]}), in table cba_forecast_vs_outturn: outturn lines "
                "recorded so far, against the forecast of the same lines. n counts the areas with "
                "such lines.",
            ]
        )
    rows.append(
        [
            "measure",
            "obstacle:<factor>, enabler:<factor>",
            "In table obstacles_and_enablers: how many areas ticked the factor as an obstacle "
            "(or enabler) in any sent progress return. n counts the group's areas with a sent "
            "return. Factors: " + "; ".join(f"{k} = {label}" for k, label in Factor.choices) + ".",
        ]
    )
    rows.append(
        [
            "rule",
            "suppression",
            f"A figure is published only when it counts at least {MIN_GROUP} areas; otherwise "
            "its value reads 'suppressed' (n is still given). No names, contact details, "
            "references or free text are published.",
        ]
    )
    return rows


def open_data_rows(result: WhatWorked) -> list[list]:
    """The figures with the round and date on every row, safe to publish: suppressed aggregates
    only (no per-area row, no names)."""
    header, *body = result.rows()
    prefix = [result.round.slug, result.as_at]
    return [OPEN_DATA_COLUMNS, *([*prefix, *row] for row in body)]
