"""Writing the stored warnings: the nightly task and a change to an area's inputs call
`warnings_recompute`, which scores the round's active areas as of a day and keeps one row per
area. Recomputing is idempotent (the same data and day give the same rows)."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from .facts import round_facts
from .models import AreaWarning
from .signals import score_round

logger = logging.getLogger(__name__)

# The entries whose writing may move a score: contacts, adviser days, returns, messages, plans,
# gates, extensions and the area's own moves.
INPUT_VERB_PREFIXES = (
    "support.contact_logged",
    "support.adviser_day",
    "support.adviser_days",
    "support.entitlement_added",
    "progress_return.",
    "message.posted",
    "plan.",
    "gate.",
    "extension.granted",
    "area.moved",
)


@transaction.atomic
def warnings_recompute(*, round, as_of: datetime.date | None = None) -> list[AreaWarning]:
    """Score every active area of `round` as of `as_of` (today) and store the scores; areas no
    longer active lose theirs. Returns the stored rows, worst first."""
    as_of = as_of or timezone.localdate()
    facts = round_facts(round)
    scores = score_round(facts, as_of)
    now = timezone.now()
    existing = {
        w.area_id: w for w in AreaWarning.objects.select_for_update().filter(area__round=round)
    }
    keep, create, update = set(), [], []
    for s in scores:
        keep.add(s.area_id)
        row = existing.get(s.area_id)
        values = {
            "score": s.score,
            "flagged": s.flagged,
            "reasons": s.reasons,
            "as_of": as_of,
            "computed_at": now,
        }
        if row is None:
            create.append(AreaWarning(area_id=s.area_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            update.append(row)
    AreaWarning.objects.bulk_create(create)
    AreaWarning.objects.bulk_update(update, ["score", "flagged", "reasons", "as_of", "computed_at"])
    gone = [pk for pk in existing if pk not in keep]
    if gone:
        AreaWarning.objects.filter(area_id__in=gone).delete()
    return sorted([*create, *update], key=lambda w: (-w.score, w.area_id))


class _RoundsToRefresh:
    """The one on-commit callback of a transaction: the rounds whose areas' inputs changed in it,
    each sent to the worker once when the transaction commits."""

    is_earlywarning_refresh = True

    def __init__(self):
        self.round_ids: set[int] = set()

    def __call__(self):
        from .tasks import round_warnings_refresh

        for round_id in sorted(self.round_ids):
            try:
                round_warnings_refresh.apply_async(args=[round_id], retry=False)
            except Exception:  # the broker is down: the nightly recompute catches up
                logger.warning("Could not queue the early-warning refresh of round %s", round_id)


def recompute_on_change(*, entries=(), using=None, **kwargs) -> None:
    """`activity.signals.recorded` receiver: queue, once per transaction and round, a recompute
    of the rounds whose areas had an entry that may move their score. No query here: the work is
    the worker's, after commit."""
    round_ids = set()
    for entry in entries:
        if entry.area_id is None or not entry.verb.startswith(INPUT_VERB_PREFIXES):
            continue
        # The entry was made with its area object (no query to read it back).
        area = entry._state.fields_cache.get("area")
        if area is not None:
            round_ids.add(area.round_id)
    if not round_ids:
        return
    connection = transaction.get_connection(using)
    for _sids, func, *_rest in connection.run_on_commit:
        if getattr(func, "is_earlywarning_refresh", False):
            func.round_ids |= round_ids
            return
    callback = _RoundsToRefresh()
    callback.round_ids |= round_ids
    transaction.on_commit(callback, using=using)
