"""The programme's learning, declared once: the groups areas are compared in (`DIMENSIONS`) and
the measures compared (`MEASURES`). The page, the PDF chapter, the CSV/XLSX downloads, the
open-data file, its data dictionary and ``report what_worked`` all read these two lists.

A measure says which areas it counts (``applies``: its n) and how it turns their facts into one
figure (``compute``). Every figure is shown with its n, and withheld when n is under
`MIN_GROUP`, the surveys' rule (one place: ``surveys.figures.MIN_GROUP``).

To add a measure, append one `Measure` to `MEASURES`; every output picks it up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from delivery.models import ProgressStatus
from programmes.models import AREA_STAGE_ORDER, Approach, AreaStage, AreaStatus
from surveys.figures import MIN_GROUP
from surveys.models import OrgGroup

from ..metrics import percent
from .facts import AreaFacts

__all__ = ["DIMENSIONS", "MEASURES", "MIN_GROUP", "SECTIONS", "Dimension", "Measure"]

TENTH = Decimal("0.1")

SECTIONS = [
    ("support", "Support received"),
    ("progress", "Progress"),
    ("results", "Results"),
]

# Units: how a value reads. "mean" and "days" are numbers, "percent" a whole-number percentage.
UNITS = {
    "mean": "mean per area",
    "percent": "% of n",
    "days": "median days",
    "areas": "areas",
    "pounds": "£",
}


def _mean(values) -> Decimal:
    values = [Decimal(v) for v in values]
    return (sum(values, Decimal(0)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _median_days(values) -> Decimal:
    return Decimal(str(median(values))).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    section: str
    unit: str
    n_means: str  # which areas count in n, for the data dictionary
    applies: Callable[[AreaFacts], bool]
    compute: Callable[[list[AreaFacts]], object]

    @property
    def unit_label(self) -> str:
        return UNITS[self.unit]


def _always(f: AreaFacts) -> bool:
    return True


def mean(key, label, section, get, *, applies=_always, n_means="areas in the group"):
    return Measure(
        key, label, section, "mean", n_means, applies, lambda fs: _mean(get(f) for f in fs)
    )


def share(key, label, section, test, *, applies=_always, n_means="areas in the group"):
    return Measure(
        key,
        label,
        section,
        "percent",
        n_means,
        applies,
        lambda fs: percent(sum(1 for f in fs if test(f)), len(fs)),
    )


def median_days(key, label, section, get, *, applies, n_means):
    return Measure(
        key, label, section, "days", n_means, applies, lambda fs: _median_days([get(f) for f in fs])
    )


def ratio(key, label, section, top, bottom, *, applies, n_means):
    """The group's total of `top` as a whole-number percentage of its total of `bottom` (a ratio
    of sums, so a big area weighs more than a small one)."""
    return Measure(
        key,
        label,
        section,
        "percent",
        n_means,
        applies,
        lambda fs: percent(sum(top(f) for f in fs), sum(bottom(f) for f in fs)),
    )


def _reached(stage: str) -> Callable[[AreaFacts], bool]:
    index = AREA_STAGE_ORDER.index(stage)
    return lambda f: f.stage in AREA_STAGE_ORDER and AREA_STAGE_ORDER.index(f.stage) >= index


def _left(f: AreaFacts) -> bool:
    return f.status in (AreaStatus.WITHDRAWN, AreaStatus.NOT_PROGRESSED)


MEASURES: list[Measure] = [
    # Support received
    mean("adviser_days", "Adviser days delivered", "support", lambda f: f.adviser_days),
    mean(
        "support_contacts", "Relationship manager contacts logged", "support", lambda f: f.contacts
    ),
    mean("events_attended", "Events attended", "support", lambda f: f.events_attended),
    mean("peer_reviews_given", "Peer reviews given", "support", lambda f: f.peer_reviews_given),
    mean(
        "peer_reviews_received",
        "Peer reviews received",
        "support",
        lambda f: f.peer_reviews_received,
    ),
    share(
        "cba_support",
        "Had CBA support, of areas asked for a CBA",
        "support",
        lambda f: f.cba_support_contacts > 0,
        applies=lambda f: f.cba_required,
        n_means="areas asked for a cost benefit analysis at the Getting Going gate",
    ),
    # Progress
    share(
        "reached_getting_going",
        "Reached Getting Going or further",
        "progress",
        _reached(AreaStage.GETTING_GOING),
    ),
    share(
        "reached_implementation",
        "Reached implementation or further",
        "progress",
        _reached(AreaStage.IMPLEMENTATION),
    ),
    median_days(
        "days_getting_ready",
        "Time in Getting Ready (joining to Getting Going approval)",
        "progress",
        lambda f: (f.gg_approved_on - f.joined_on).days,
        applies=lambda f: f.gg_approved_on is not None,
        n_means="areas whose Getting Going gate was approved",
    ),
    median_days(
        "days_getting_going",
        "Time in Getting Going (approval to plan sign-off)",
        "progress",
        lambda f: (f.signed_off_on - f.gg_approved_on).days,
        applies=lambda f: f.gg_approved_on is not None and f.signed_off_on is not None,
        n_means="areas approved for Getting Going whose plan was signed off",
    ),
    share("left", "Left the programme", "progress", _left),
    share(
        "withdrew",
        "Withdrew",
        "progress",
        lambda f: f.status == AreaStatus.WITHDRAWN,
    ),
    share(
        "not_progressed",
        "Did not progress (programme's decision)",
        "progress",
        lambda f: f.status == AreaStatus.NOT_PROGRESSED,
    ),
    # Results
    ratio(
        "funding_secured_vs_planned",
        "Funding secured as a share of planned",
        "results",
        lambda f: f.funding_secured,
        lambda f: f.funding_planned,
        applies=lambda f: f.funding_planned > 0,
        n_means="areas whose plan sets out funding they planned to secure",
    ),
    share(
        "shared_budget",
        "Secured a pooled, aligned or devolved budget",
        "results",
        lambda f: f.shared_budget,
        applies=lambda f: f.signed_off_on is not None,
        n_means="areas whose plan was signed off",
    ),
    ratio(
        "cba_outturn_vs_forecast",
        "CBA benefits outturn as a share of forecast",
        "results",
        lambda f: f.cba_outturn,
        lambda f: f.cba_forecast,
        applies=lambda f: f.cba_forecast > 0,
        n_means="areas with benefit outturn recorded against their CBA's forecast lines",
    ),
    share(
        "on_schedule_or_ahead",
        "Implementation on schedule or ahead (latest return)",
        "results",
        lambda f: f.progress_status in (ProgressStatus.AHEAD, ProgressStatus.ON_SCHEDULE),
        applies=lambda f: f.has_return,
        n_means="areas with at least one sent progress return",
    ),
    ratio(
        "indicators_on_track",
        "Outcome indicators on track or achieved, of those with a reported value",
        "results",
        lambda f: f.indicators_good,
        lambda f: f.indicators_reported,
        applies=lambda f: f.indicators_reported > 0,
        n_means="areas with an outcome indicator whose value has been reported in a sent return",
    ),
]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    groups_of: Callable[[AreaFacts], list[str]]  # the group keys an area belongs to


DEPRIVATION_BANDS = [
    ("most_deprived", "Deciles 1 to 3 (most deprived)", range(1, 4)),
    ("middle", "Deciles 4 to 7", range(4, 8)),
    ("least_deprived", "Deciles 8 to 10 (least deprived)", range(8, 11)),
    ("not_recorded", "Deprivation not recorded", ()),
]


def deprivation_band(decile: int | None) -> str:
    return next((key for key, _, deciles in DEPRIVATION_BANDS if decile in deciles), "not_recorded")


ALL = "all"
DIMENSIONS: list[Dimension] = [
    Dimension(ALL, "All areas", lambda f: [ALL]),
    Dimension("organisation_group", "Lead organisation type group", lambda f: [f.org_group]),
    Dimension("theme", "Theme", lambda f: f.themes),
    Dimension("approach", "Approach", lambda f: [f.approach]),
    Dimension("deprivation", "Deprivation", lambda f: [deprivation_band(f.deprivation_decile)]),
]


def fixed_groups(dimension: str) -> list[tuple[str, str]]:
    """The groups a dimension always shows, in order (themes come from the round's areas)."""
    if dimension == ALL:
        return [(ALL, "All areas")]
    if dimension == "organisation_group":
        return [(g.value, g.label) for g in OrgGroup]
    if dimension == "approach":
        return [(a.value, a.label) for a in Approach]
    if dimension == "deprivation":
        return [(key, label) for key, label, _ in DEPRIVATION_BANDS]
    return []
