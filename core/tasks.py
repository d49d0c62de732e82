"""Background work every app shares."""

from celery import shared_task
from celery.signals import worker_ready

from .outbox import outbox_dispatch_pending


@shared_task(name="core.tasks.outbox_dispatch_pending")
def outbox_dispatch_pending_task() -> int:
    """Beat, every minute: send what the outbox holds (work requested while the broker was down)."""
    return outbox_dispatch_pending()


@worker_ready.connect
def _sweep_outbox_when_a_worker_starts(sender=None, **kwargs):
    # A worker starting is the moment the background service is back: send what waited.
    try:
        outbox_dispatch_pending()
    except Exception:  # never stop a worker from starting over this
        import logging

        logging.getLogger(__name__).exception("Outbox sweep at worker start failed")
