"""The retention schedule: what is deleted once it has been finished with for longer than
settings.RETENTION says (days, per kind of record).

Each app registers a pruner for the kinds it owns (in its AppConfig.ready), so core imports none
of them: core prunes sessions and the outbox, accounts django-axes' sign-in records, reports the
generated reports and import uploads, activity the notifications. `retention_prune` (the nightly
beat task `core.tasks.prune_nightly` and `manage.py prune`) runs each one with its cut-off,
counts what it deleted and logs it."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pruner:
    """Deletes the records of one kind finished with before `cutoff`; returns how many."""

    name: str  # its key in settings.RETENTION
    description: str  # what it deletes, for the log and `manage.py prune`
    prune: Callable[[datetime.datetime], int]


_pruners: dict[str, Pruner] = {}


def retention_register(pruner: Pruner) -> None:
    _pruners[pruner.name] = pruner


def registered_pruners() -> dict[str, Pruner]:
    return dict(_pruners)


def retention_prune(*, now: datetime.datetime | None = None, only: str | None = None) -> dict:
    """Run every registered pruner (or only the one named) with its cut-off, `now` less its
    RETENTION days. Returns {name: how many deleted}. A kind with no RETENTION entry is left
    alone (with a warning): nothing is deleted that the schedule does not name."""
    now = now or timezone.now()
    counts = {}
    for name, pruner in sorted(_pruners.items()):
        if only and name != only:
            continue
        days = settings.RETENTION.get(name)
        if days is None:
            logger.warning("Retention: no RETENTION[%r] in settings; %s kept.", name, name)
            continue
        cutoff = now - datetime.timedelta(days=int(days))
        counts[name] = pruner.prune(cutoff)
        logger.info(
            "Retention: deleted %s %s (older than %s days, before %s).",
            counts[name],
            pruner.description,
            days,
            cutoff.isoformat(timespec="seconds"),
        )
    return counts


# --- core's own records ---------------------------------------------------------------------


def sessions_prune(cutoff: datetime.datetime) -> int:
    """Sessions that expired before the cut-off (what `clearsessions` removes, counted). A session
    engine without database rows is asked to clear its expired sessions itself (not counted)."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if hasattr(store, "get_model_class"):
        deleted, _ = store.get_model_class().objects.filter(expire_date__lt=cutoff).delete()
        return deleted
    store.clear_expired()
    return 0


def outbox_prune(cutoff: datetime.datetime) -> int:
    """Outbox rows a worker confirmed done before the cut-off (failed rows stay for the admin)."""
    from .models import OutboxMessage, OutboxStatus

    deleted, _ = OutboxMessage.objects.filter(status=OutboxStatus.DONE, done_at__lt=cutoff).delete()
    return deleted


def snoozes_prune(cutoff: datetime.datetime) -> int:
    """My work snoozes whose day came on or before the cut-off's day: the item is back on the
    person's list that morning, so the row says nothing any more. Dismissals (no date) stay
    until their person restores them."""
    from .models import HiddenWorkItem

    deleted, _ = HiddenWorkItem.objects.filter(
        until__isnull=False, until__lte=timezone.localdate(cutoff)
    ).delete()
    return deleted


def register_core_pruners() -> None:
    retention_register(Pruner("sessions", "expired sessions", sessions_prune))
    retention_register(Pruner("outbox", "confirmed outbox messages", outbox_prune))
    retention_register(Pruner("snoozes", "My work snoozes that have ended", snoozes_prune))
