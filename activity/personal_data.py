"""What the audit trail holds about a person (core.personal_data, registered in apps.py), and
the entries for a person's data being exported or the person anonymised.

Entries are hash-chained and never rewritten, but many summaries name people ("Sarah Whitfield
wrote to the programme team"). Anonymising a person therefore corrects each entry whose summary
or reason names them with a new entry (`REDACTION_VERB`, on the entry's own chain) carrying the
text with their name replaced; pages show an entry through its latest redaction
(`activity.selectors.redacted`).
The original row stays as it was, so `audit_verify` still passes and the trail still proves what
was recorded; only the pages stop naming the person."""

import re

from django.db.models import Q

from core.personal_data import PersonalData

from .models import ActivityEntry, Notification, NotificationPreference, Visibility
from .selectors import REDACTION_VERB
from .services import activity_record


def _names(former: dict) -> list[str]:
    """The ways entries may have named the person: full name, email, and the username when
    they had no name (the user's str() then)."""
    full = f"{former.get('first_name', '')} {former.get('last_name', '')}".strip()
    names = [full] if full else [former.get("username", "")]
    names.append(former.get("email", ""))
    return [n for n in names if n and len(n) > 2]


def _replace(text: str, names: list[str], placeholder: str) -> str:
    for name in names:
        text = re.sub(re.escape(name), placeholder, text, flags=re.IGNORECASE)
    return text


def entries_redact(*, former: dict, placeholder: str, actor, reason: str) -> int:
    """Correct every entry whose summary or reason names the person (see the module's
    docstring). Returns how many."""
    names = _names(former)
    if not names:
        return 0
    mentions = Q()
    for name in names:
        mentions |= Q(summary__icontains=name) | Q(reason__icontains=name)
    found = (
        ActivityEntry.objects.filter(mentions)
        .exclude(verb=REDACTION_VERB)
        .select_related("area")
        .order_by("pk")
    )
    count = 0
    for entry in found:
        activity_record(
            verb=REDACTION_VERB,
            summary=_replace(entry.summary, names, placeholder),
            actor=actor,
            area=entry.area,
            reason=reason,
            visibility=entry.visibility,
            data={"reason": _replace(entry.reason, names, placeholder)},
            corrects=entry,
        )
        count += 1
    return count


def activity_record_person_data(
    sender, *, signal=None, corrects_entries_of=None, former=None, **entry
) -> ActivityEntry:
    """``accounts.signals.person_data_handled``: staff only. An anonymisation redacts the
    entries naming the person, then corrects the person's latest entry (on that entry's chain):
    the entries stay as they were, hashed, and pages name their actor from the now anonymised
    user row."""
    if former:
        placeholder = entry["target"].get_full_name()
        entry["data"] = {
            **entry["data"],
            "entries_redacted": entries_redact(
                former=former, placeholder=placeholder, actor=entry["actor"], reason=entry["reason"]
            ),
        }
    corrects = None
    if corrects_entries_of is not None:
        corrects = (
            ActivityEntry.objects.filter(actor=corrects_entries_of)
            .exclude(verb=REDACTION_VERB)
            .select_related("area")
            .order_by("-occurred_at", "-id")
            .first()
        )
    return activity_record(
        visibility=Visibility.STAFF,
        area=corrects.area if corrects else None,
        corrects=corrects,
        **entry,
    )


KINDS = (
    PersonalData(
        name="activity_entries",
        description="Entries of the audit trail recording what you did.",
        rows=lambda person: ActivityEntry.objects.filter(actor=person).order_by(
            "occurred_at", "id"
        ),
    ),
    PersonalData(
        name="activity_notifications",
        description="Notifications sent to you, and whether they were read or emailed.",
        rows=lambda person: Notification.objects.filter(recipient=person).order_by("pk"),
    ),
    PersonalData(
        name="activity_notification_preferences",
        description="How you chose to hear about each kind of notification.",
        rows=lambda person: NotificationPreference.objects.filter(user=person).order_by("pk"),
    ),
)
