"""Imports write history, never over live work. An area that anyone has worked on in the app (an
activity entry that is not imported history, a support log entry, a follow-up, an adviser day, a
progress return, a payment approved or paid by a person) belongs to the people working on it: a
record for it is refused, naming the first such piece of work, and nothing is written."""

from activity.models import ActivityEntry
from delivery.models import ProgressReturn
from grants.models import Payment
from support.models import AdviserDay, FollowUp, SupportContact

from .reading import Record

APPLICATION = "applications.application"


def _first_entries(area_ids) -> dict[int, str]:
    """Per area, the earliest activity entry a person made in the app."""
    found: dict[int, str] = {}
    entries = (
        ActivityEntry.objects.filter(area_id__in=area_ids, imported=False)
        .order_by("occurred_at", "pk")
        .values_list("area_id", "summary", "actor__username", "occurred_at")
    )
    for area_id, summary, username, occurred_at in entries.iterator():
        if area_id not in found:
            who = f" by {username}" if username else ""
            found[area_id] = f"“{summary}”{who} on {occurred_at:%d %B %Y}"
    return found


def _other_work(area_ids) -> dict[int, str]:
    """Per area, a record that people keep in the app (beyond the activity log)."""
    found: dict[int, str] = {}
    checks = [
        (SupportContact.objects.filter(area_id__in=area_ids), "area_id", "a support log entry"),
        (FollowUp.objects.filter(area_id__in=area_ids), "area_id", "a follow-up"),
        (AdviserDay.objects.filter(area_id__in=area_ids), "area_id", "an adviser day"),
        (ProgressReturn.objects.filter(area_id__in=area_ids), "area_id", "a progress return"),
        (
            Payment.objects.filter(award__area_id__in=area_ids).exclude(
                approved_by=None, paid_by=None
            ),
            "award__area_id",
            "a payment approved or paid by a person",
        ),
    ]
    for queryset, column, what in checks:
        for area_id in queryset.values_list(column, flat=True).distinct():
            found.setdefault(area_id, what)
    return found


def live_area_problems(records: list[Record], areas: dict) -> list[str]:
    """``line N, column reference: …`` for every record whose area (`areas`: reference → area
    id) has work done in the app by a person."""
    ids = set(areas.values())
    if not ids:
        return []
    work = _other_work(ids)
    work.update(_first_entries(ids))
    problems = []
    for record in records:
        area_id = areas.get(record.reference)
        if area_id in work:
            problems.append(
                f"line {record.line}, column reference: {record.reference} has work done in the "
                f"app ({work[area_id]}); an import writes history and never changes a live area."
            )
    return problems


def application_is_live(application) -> bool:
    """Whether anyone did anything to the application in the app (not imported history)."""
    return ActivityEntry.objects.filter(
        target_type=APPLICATION, target_id=str(application.pk), imported=False
    ).exists()
