from django.db.models import QuerySet

from accounts.permissions import is_programme_staff

from .models import ActivityEntry, Notification, Visibility

# An anonymisation's correction of an entry that named the person (activity.personal_data).
REDACTION_VERB = "entry.anonymised"


def redacted(entries) -> list[ActivityEntry]:
    """`entries` (and the entries they correct) with `shown_summary` and `shown_reason`: their
    text as pages show it, through the latest redaction of each (one query)."""
    entries = list(entries)
    # The entries they correct, when read with them (select_related): never a query each.
    loaded = [e.corrects for e in entries if ActivityEntry.corrects.is_cached(e)]
    every = entries + [c for c in loaded if c is not None]
    if not every:
        return entries
    redactions = {}
    for r in ActivityEntry.objects.filter(
        verb=REDACTION_VERB, corrects_id__in={e.pk for e in every}
    ).order_by("pk"):
        redactions[r.corrects_id] = r
    for e in every:
        r = redactions.get(e.pk)
        e.redacted = r is not None
        e.shown_summary = r.summary if r else e.summary
        e.shown_reason = r.data.get("reason", "") if r else e.reason
    return entries


def area_timeline(*, area, user) -> QuerySet[ActivityEntry]:
    """The area's activity, newest first; lead organisation users see only entries meant for them
    (decisions and payments), staff see everything."""
    # Redactions of entries that named someone since anonymised are shown in their entries'
    # place (`redacted`), not as entries of their own.
    qs = (
        ActivityEntry.objects.filter(area=area)
        .exclude(verb=REDACTION_VERB)
        .select_related("actor", "corrects")
    )
    if not is_programme_staff(user):
        qs = qs.filter(visibility=Visibility.AREA)
    return qs


def notifications_for(*, user, show: str = "all", kind: str = "") -> QuerySet[Notification]:
    """The user's notifications, newest first: `show` "open" (not resolved), "unread" (neither
    read nor resolved) or "all"; of one `kind` when given."""
    qs = Notification.objects.filter(recipient=user).select_related(
        "entry", "entry__area", "entry__actor"
    )
    if show in ("open", "unread"):
        qs = qs.filter(resolved_at__isnull=True)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def unread_notification_count(*, user) -> int:
    """How many of the user's notifications are unread and not resolved, for the menu's badge."""
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, resolved_at__isnull=True
    ).count()


# --- Read by reports ------------------------------------------------------------------------------
# What the reports app's area report reads from the audit trail. A report is made for an edition
# (staff, or staff and the lead organisation), not for the user who asked, hence `for_staff`.


def _report_entries(*, area, for_staff: bool) -> QuerySet[ActivityEntry]:
    qs = ActivityEntry.objects.filter(area=area).select_related("actor")
    if not for_staff:
        qs = qs.filter(visibility=Visibility.AREA)
    return qs


def area_stage_moves(*, area, for_staff: bool) -> list[ActivityEntry]:
    """The area's moves between stages, oldest first."""
    return redacted(
        _report_entries(area=area, for_staff=for_staff)
        .filter(verb="area.moved")
        .order_by("occurred_at", "id")
    )


# The system's own housekeeping (a report or export being asked for, an import job) says nothing
# about the area's progress; a report that lists its own request is padding.
HOUSEKEEPING_VERB_PREFIXES = ("report.", "export.", "import.", "job.")


def area_recent_entries(*, area, for_staff: bool, limit: int = 10) -> list[ActivityEntry]:
    """The area's latest activity other than stage moves (the stage history has them) and the
    system's housekeeping, newest first."""
    qs = _report_entries(area=area, for_staff=for_staff).exclude(
        verb__in=["area.moved", REDACTION_VERB]
    )
    for prefix in HOUSEKEEPING_VERB_PREFIXES:
        qs = qs.exclude(verb__startswith=prefix)
    return redacted(qs.order_by("-occurred_at", "-id")[:limit])
