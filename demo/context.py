"""What the demo steps hand on to each other, and the small helpers they share."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from programmes.models import Area, Programme, Round

# A tiny placeholder document for the demo's evidence uploads.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class DemoContext:
    programme: Programme
    finished_round: Round
    live_round: Round
    users: dict[str, User]
    areas: list[Area] = field(default_factory=list)
    created: bool = False
    # Where each new area is headed beyond Getting Going (area pk -> stage). The later steps take
    # it there through their own services: plans signs the plan off (implementation), delivery
    # applies for Making it Happen.
    targets: dict[int, str] = field(default_factory=dict)

    def target_stage(self, area) -> str:
        return self.targets.get(area.pk, area.stage)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """The demo's history happens on whole hours of the given day, in local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
