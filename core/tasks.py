"""Background work every app shares."""

import logging

from celery import shared_task, states
from celery.signals import (
    beat_init,
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_ready,
)

from . import logs
from .backups import BackupError, backup_create
from .health import BEAT, WORKER, heartbeat_record
from .outbox import outbox_confirm, outbox_dispatch_pending
from .retention import retention_prune

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.outbox_dispatch_pending")
def outbox_dispatch_pending_task() -> int:
    """Beat, every minute: send what the outbox holds (work requested while the broker was down)."""
    return outbox_dispatch_pending()


@shared_task(name="core.tasks.health_heartbeat")
def health_heartbeat() -> None:
    """Beat, every minute: the worker that runs it is alive (beat's own tick is written when it
    sends this, below), so the readiness check sees both even on a quiet day."""
    heartbeat_record(WORKER)


# Set in the beat scheduler's process only: what it publishes is its tick.
_in_beat = False


@beat_init.connect
def _beat_started(sender=None, **kwargs):
    global _in_beat
    _in_beat = True
    _record_quietly(BEAT)


@before_task_publish.connect
def _beat_ticked(sender=None, **kwargs):
    if _in_beat:
        _record_quietly(BEAT)


def _record_quietly(name: str) -> None:
    # A heartbeat is bookkeeping: never stop beat or a worker over it.
    try:
        heartbeat_record(name)
    except Exception:
        logger.warning("Recording the %s heartbeat failed", name, exc_info=True)


@worker_ready.connect
def _sweep_outbox_when_a_worker_starts(sender=None, **kwargs):
    _record_quietly(WORKER)
    # A worker starting is the moment the background service is back: send what waited.
    try:
        outbox_dispatch_pending()
    except Exception:  # never stop a worker from starting over this
        logger.exception("Outbox sweep at worker start failed")


@task_postrun.connect
def _confirm_outbox_message(sender=None, task_id=None, state=None, **kwargs):
    # The worker ran the task (succeeded, failed for good, or found nothing to do): its outbox
    # row is done. A retry is not done: Celery sends it again itself under the same id, and if
    # that message is lost too the sweep sends the row again.
    if state == states.RETRY:
        return
    try:
        outbox_confirm(task_id=task_id or "")
    except Exception:  # bookkeeping never fails a task: unconfirmed, it is only sent again
        logger.exception("Confirming the outbox message of task %s failed", task_id)


@shared_task(name="core.tasks.backup_nightly")
def backup_nightly_task() -> str:
    """Beat, every night: an archive of the database and the private files (core/backups.py),
    with rotation. A failure is logged with its reason and raised, so the task shows as failed."""
    try:
        result = backup_create()
    except BackupError as exc:
        logger.error("Nightly backup failed [%s]: %s", exc.code, exc)
        raise
    return str(result.path)


@shared_task(name="core.tasks.prune_nightly")
def prune_nightly_task() -> dict:
    """Beat, every night: delete what the retention schedule (settings.RETENTION) no longer keeps,
    each kind counted and logged (core/retention.py)."""
    return retention_prune()


@task_prerun.connect
def _task_log_start(sender=None, task_id=None, **kwargs):
    logs.task_prerun(task_id or "")


@task_postrun.connect
def _task_log_line(sender=None, task_id=None, state=None, **kwargs):
    # One line per task run (core/logs.py): id, name, final state and how long it took.
    logs.task_postrun(task_id=task_id or "", task_name=getattr(sender, "name", ""), state=state)
