"""What every report section shares: the report's subject (`ReportContext`) and the `Section` that
turns it into a template's data."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from programmes.models import Area, Round

from ..models import Audience


@dataclass
class ReportContext:
    """The subject of one report and who it is for. Sections keep what several of them read
    (the loaded area, the round's counts and metrics) in the ``cache``, once per report."""

    kind: str
    area: Area | None = None
    round: Round | None = None
    audience: str = Audience.STAFF
    report_date: date = field(default_factory=timezone.localdate)
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def for_staff(self) -> bool:
        return self.audience == Audience.STAFF

    def cached(self, key: str, load: Callable):
        """``load()`` the first time a section asks for `key`, the same value afterwards."""
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[ReportContext], dict | None]

    @property
    def template(self) -> str:
        return f"reports/pdf/sections/{self.key}.html"


@dataclass(frozen=True)
class ReportDefinition:
    title: str
    sections: list[Section]


# Funding sources' short names, for chart labels (area and programme reports).
FUNDING_SHORT = {
    "la_mainstream": "LA mainstream",
    "la_other": "Other LA",
    "statutory_pooled": "Statutory pooled",
    "statutory_other": "Other statutory",
    "commissioned": "Commissioned",
    "external_grants": "External grants",
    "programme": "Programme",
    "in_kind": "In kind",
}
