"""Writing the audit trail. Every state-changing service in the project calls `activity_record`."""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch
from django.utils import timezone

from accounts.permissions import is_admin
from core.errors import require
from core.outbox import outbox_add

from .chain import canonical_data, chain_key, content_hash
from .kinds import KINDS, Delivery, kind_of
from .models import (
    ActivityChain,
    ActivityEntry,
    Notification,
    NotificationPreference,
    Visibility,
)
from .signals import recorded

# Entries collected by `activity_batch` instead of being written one at a time (None: not batching).
_BATCH: ContextVar[list | None] = ContextVar("activity_batch", default=None)


@contextmanager
def activity_batch() -> Iterator[list[ActivityEntry]]:
    """Collect, instead of writing, the entries `activity_record` makes inside the block (those
    that notify nobody); the caller appends them afterwards with `activity_record_many`, in one
    go, inside the same transaction. For bulk history such as imports."""
    entries: list[ActivityEntry] = []
    token = _BATCH.set(entries)
    try:
        yield entries
    finally:
        _BATCH.reset(token)


def _chain_head(area) -> ActivityChain:
    """The head of the entry's chain, locked until the transaction ends (see ActivityChain)."""
    key = chain_key(area.pk if area is not None else None)
    head = ActivityChain.objects.select_for_update().filter(key=key).first()
    if head is None:
        # The first entry of a chain: a concurrent first writer makes get_or_create wait on the
        # unique key and then read the row the other one committed.
        ActivityChain.objects.get_or_create(key=key, defaults={"area": area})
        head = ActivityChain.objects.select_for_update().get(key=key)
    return head


def _chain_append(entry: ActivityEntry) -> ActivityEntry:
    """Save `entry` as the new head of its chain, linked to the previous head by its hash."""
    with transaction.atomic():
        head = _chain_head(entry.area)
        entry.chain_position = head.length + 1
        entry.previous_hash = head.head_hash
        entry.content_hash = content_hash(entry)
        entry.save(force_insert=True)
        head.length = entry.chain_position
        head.head_hash = entry.content_hash
        head.save(update_fields=["length", "head_hash"])
    recorded.send(sender=ActivityEntry, entries=[entry])
    return entry


def _instant(occurred_at) -> datetime.datetime:
    """`occurred_at` as the aware datetime the database will give back (a date is noon that day)."""
    if occurred_at is None:
        return timezone.now()
    if not isinstance(occurred_at, datetime.datetime):
        occurred_at = datetime.datetime.combine(occurred_at, datetime.time(12))
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    return occurred_at


def activity_entry(
    *,
    verb: str,
    summary: str,
    actor=None,
    area=None,
    reason: str = "",
    visibility: str = Visibility.STAFF,
    target: models.Model | None = None,
    occurred_at=None,
    imported: bool = False,
    data: dict | None = None,
    corrects: ActivityEntry | None = None,
) -> ActivityEntry:
    """An unsaved entry, normalised as `activity_record` saves it: give it to
    `activity_record_many` to append it (with others) to its chain."""
    return ActivityEntry(
        verb=verb,
        summary=summary[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        area=area,
        reason=reason,
        visibility=visibility,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        occurred_at=_instant(occurred_at),
        imported=imported,
        data=canonical_data(data),
        corrects=corrects,
    )


def _locked_heads(keys) -> dict[str, ActivityChain]:
    return {h.key: h for h in ActivityChain.objects.select_for_update().filter(key__in=list(keys))}


def _link(entries: list[ActivityEntry], heads: dict[str, ActivityChain]) -> None:
    """Give each entry its place and hashes after its chain's head, moving the heads on."""
    for entry in entries:
        head = heads[chain_key(entry.area_id)]
        entry.chain_position = head.length + 1
        entry.previous_hash = head.head_hash
        entry.content_hash = content_hash(entry)
        head.length, head.head_hash = entry.chain_position, entry.content_hash


@transaction.atomic
def activity_record_many(entries: list[ActivityEntry]) -> list[ActivityEntry]:
    """Append many unsaved entries (from `activity_entry`) to their chains at once, in list
    order within each chain: every chain head is locked once, the entries are linked and hashed
    as `activity_record` would have one by one, then written with one bulk insert. Chains that
    start here are inserted with their final head (one insert, no update per chain). Notifies
    nobody (for bulk history such as imports)."""
    keys = {chain_key(e.area_id): e.area_id for e in entries}
    heads = _locked_heads(keys)
    started = {k: ActivityChain(key=k, area_id=a) for k, a in keys.items() if k not in heads}
    _link(entries, {**heads, **started})
    try:
        with transaction.atomic():
            ActivityChain.objects.bulk_create(list(started.values()), batch_size=1000)
    except IntegrityError:
        # A concurrent writer started one of these chains first: take them all as they are now
        # (locked) and link the entries again after their heads.
        ActivityChain.objects.bulk_create(
            [ActivityChain(key=k, area_id=keys[k]) for k in started], ignore_conflicts=True
        )
        heads = _locked_heads(keys)
        _link(entries, heads)
    ActivityEntry.objects.bulk_create(entries, batch_size=1000)
    ActivityChain.objects.bulk_update(
        list(heads.values()), ["length", "head_hash"], batch_size=1000
    )
    if entries:
        recorded.send(sender=ActivityEntry, entries=entries)
    return entries


def notification_url(entry: ActivityEntry, target, user) -> str:
    """Where `user` sees what the entry is about: the target's page for them (a model may define
    ``get_absolute_url_for(user)`` when staff and lead organisations see it on different pages),
    else its ``get_absolute_url``, else the area's page."""
    for make in (
        lambda: target.get_absolute_url_for(user),
        lambda: target.get_absolute_url(),
        lambda: entry.area.get_absolute_url(),
    ):
        try:
            url = make()
        except (AttributeError, NoReverseMatch):
            continue
        if url:
            return url[:300]
    return ""


def activity_record(
    *,
    verb: str,
    summary: str,
    actor=None,
    area=None,
    reason: str = "",
    visibility: str = Visibility.STAFF,
    target: models.Model | None = None,
    occurred_at=None,
    imported: bool = False,
    data: dict | None = None,
    notify: Iterable = (),
    corrects: ActivityEntry | None = None,
) -> ActivityEntry:
    """Record one thing that happened, and notify the given users.

    The entry is appended to its area's hash chain (see activity/chain.py) while the chain's head
    is locked, so concurrent writers never fork it. `corrects` points at an earlier entry this
    one corrects: entries are never edited. Emails for the notifications are sent by a Celery
    task after the surrounding transaction commits, so a rolled-back change never emails anyone.
    """
    entry = activity_entry(
        verb=verb,
        summary=summary,
        actor=actor,
        area=area,
        reason=reason,
        visibility=visibility,
        target=target,
        occurred_at=occurred_at,
        imported=imported,
        data=data,
        corrects=corrects,
    )
    recipients = {u.pk: u for u in notify if u is not None and u.is_active}
    if actor is not None:
        recipients.pop(getattr(actor, "pk", None), None)
    batch = _BATCH.get()
    if batch is not None and (imported or not recipients):
        batch.append(entry)
        return entry
    _chain_append(entry)
    if recipients and not imported:
        kind = kind_of(verb)
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=u, entry=entry, kind=kind, url=notification_url(entry, target, u)
                )
                for u in recipients.values()
            ]
        )
        # Through the outbox: sent after commit, or later if the broker is down (core.outbox).
        # Importing the task registers it, so eager test runs execute it in place.
        from . import tasks  # noqa: F401

        outbox_add(
            task="activity.tasks.notifications_email",
            args=[entry.pk],
            description=f"Emails for {verb}",
        )
    return entry


def activity_record_team_change(sender, *, signal=None, **entry) -> ActivityEntry | None:
    """A change to an organisation's team (``accounts.signals.team_changed``), for staff only."""
    return activity_record(visibility=Visibility.STAFF, **entry)


def activity_correct(
    *, entry: ActivityEntry, summary: str, reason: str, actor, data: dict | None = None
) -> ActivityEntry:
    """Correct an entry of the audit trail by recording a new one that points at it. The
    original stays as it was (the trail is append-only); the timeline shows both."""
    require((bool((reason or "").strip()), "Say why the entry is being corrected."))
    return activity_record(
        verb=f"{entry.verb}.corrected"[:60],
        summary=summary,
        actor=actor,
        area=entry.area,
        reason=reason,
        visibility=entry.visibility,
        target=None,
        data={"target_type": entry.target_type, "target_id": entry.target_id, **(data or {})},
        corrects=entry,
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading time is kept)."""
    require((notification.recipient_id == user.pk, "This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_email_again(*, notifications, actor) -> int:
    """An admin sends failed notification emails again (the address was corrected, the mailbox
    is back): each failed one of `notifications` is cleared of its failure, error and attempts,
    and its entry's email task is queued through the outbox. Those already emailed or not failed
    are left alone. Returns how many will be emailed again."""
    require((is_admin(actor), "Only an admin may send notification emails again."))
    failed = Notification.objects.filter(
        pk__in=[n.pk for n in notifications], emailed_at__isnull=True, email_failed_at__isnull=False
    )
    entries = sorted(set(failed.values_list("entry_id", flat=True)))
    count = failed.update(email_failed_at=None, email_error="", email_attempts=0)
    from . import tasks  # noqa: F401  (registers the task, as in activity_record)

    for entry_id in entries:
        outbox_add(
            task="activity.tasks.notifications_email",
            args=[entry_id],
            description=f"Emails for entry {entry_id}, sent again by {actor}",
        )
    return count


def _open(user):
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, resolved_at__isnull=True
    )


def notifications_open_page(*, user, path: str) -> int:
    """The user is looking at `path`: their unread notifications that link to it are read now.
    Returns how many unread notifications they still have (for the menu's badge). One query
    unless some unread notification links to this page (then a second marks them read): both
    counts come from one conditional aggregate, so a page revisited costs no UPDATE."""
    counts = _open(user).aggregate(unread=Count("pk"), here=Count("pk", filter=Q(url=path)))
    unread = counts["unread"]
    if path and counts["here"]:
        unread -= _open(user).filter(url=path).update(read_at=timezone.now())
    return unread


def notifications_mark_all_read(*, user, kind: str = "") -> int:
    """Mark all the user's unread notifications read (of one kind, when given); how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


def notifications_mark_selected_read(*, actor, ids) -> int:
    """Mark the chosen notifications read: only the actor's own and unread ones among `ids`
    (anyone else's are left alone, as if not chosen); how many."""
    return Notification.objects.filter(
        recipient=actor, pk__in=list(ids), read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_resolve(*, target: models.Model, recipients=None, verbs=()) -> int:
    """What the notifications about `target` asked for has been done: they leave the recipients'
    open inbox (all recipients, or those given; entries with one of `verbs`, or any) and are no
    longer emailed. Called by the service that does the thing, inside its transaction."""
    qs = Notification.objects.filter(
        resolved_at__isnull=True,
        entry__target_type=target._meta.label_lower,
        entry__target_id=str(target.pk),
    )
    if recipients is not None:
        qs = qs.filter(recipient__in=[u.pk for u in recipients if u is not None])
    if verbs:
        qs = qs.filter(entry__verb__in=list(verbs))
    return qs.update(resolved_at=timezone.now())


def notification_preferences(*, user) -> dict[str, str]:
    """How the user hears about each kind: every kind, straight away unless they chose."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in KINDS}


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, str]) -> None:
    """Record how the user wants to hear about each kind (immediately, daily digest or off)."""
    valid = {value for value, _ in Delivery.CHOICES}
    for kind, delivery in choices.items():
        require((kind in KINDS and delivery in valid, "Choose one of the offered options."))
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


ADMIN_ACTIONS = ("added", "changed", "deleted")


def admin_write_record(
    *,
    actor,
    model: type[models.Model],
    object_id,
    object_label: str,
    action: str,
    changes: dict[str, dict],
    obj=None,
    area=None,
) -> ActivityEntry:
    """Record a write made in the Django admin site (see core/admin_audit.py): `action` is
    "added", "changed" or "deleted"; `changes` maps each field that changed to its old and new
    value ({"amount": {"old": "10.00", "new": "20.00"}}). The entry names the model, the object
    and the admin, on the object's area's chain when it has one (else the programme chain), and
    notifies nobody. Called inside the admin's transaction, so a failed save records nothing."""
    require((action in ADMIN_ACTIONS, "Say whether the object was added, changed or deleted."))
    if area is None and obj is not None:
        area = _area_of(model, obj, object_id)
    meta = model._meta
    summary = f"{str(meta.verbose_name).capitalize()} “{object_label}” {action} in the admin site"
    if action == "changed":
        labels = [_field_label(model, name) for name in changes]
        summary += ": " + ", ".join(labels)
    # Only the target's model and key are recorded, and the object may be gone (deleted).
    target = SimpleNamespace(_meta=meta, pk=object_id)
    return activity_record(
        verb=f"admin.{action}",
        summary=summary,
        actor=actor,
        area=area,
        visibility=Visibility.STAFF,
        target=target,
        data={
            "model": meta.label_lower,
            "object_id": str(object_id),
            "object": object_label[:200],
            "changes": changes,
        },
    )


def _area_of(model: type[models.Model], obj, pk):
    """The area whose chain an admin write joins: the object itself when it is an area, or its
    ``area`` (else None: the programme chain). The area model is the one entries point at."""
    area_model = ActivityEntry._meta.get_field("area").related_model
    if model is area_model:
        area_id = pk
    else:
        try:
            field = model._meta.get_field("area")
        except FieldDoesNotExist:
            return None
        if getattr(field, "related_model", None) is not area_model:
            return None
        area_id = getattr(obj, field.attname, None)
    return area_model.objects.filter(pk=area_id).first() if area_id is not None else None


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
