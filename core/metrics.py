"""Prometheus metrics, for monitoring: switched on by setting METRICS_TOKEN.

`/metrics` answers Prometheus's text format to a scraper sending `Authorization: Bearer <token>`
(401 otherwise; 404 while METRICS_TOKEN is unset). Like `/healthz`, it is answered before the
host check and the https redirect (core.middleware.ProbeMiddleware), since a scraper reaches
each web process by its address.

Two kinds of series:

- requests, from django-prometheus's middleware (``django_http_*``: counts by view, method and
  status, latency histograms), added to MIDDLEWARE only when metrics are on. Under gunicorn the
  workers share them through PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py sets it), so any
  worker's answer covers them all;
- the deployment's own state, read when scraped (``ourplace_*``), so they are the same whichever
  process answers: messages waiting in each Celery queue, emails in the outbox by status and the
  seconds since the worker's heartbeat and beat's last tick (here), and what other apps add
  through `register` from their AppConfig.ready(): reports' background jobs by kind and status
  (``status="failed"`` is the job failures to alert on; reports/prometheus.py).
"""

import hmac
import logging
import os

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


def queue_names() -> list[str]:
    return list(settings.METRICS_QUEUES) or [settings.CELERY_TASK_DEFAULT_QUEUE]


def queue_depths(names: list[str]) -> dict[str, int]:
    """Messages waiting in each queue, asked of the broker the workers use (Redis or the
    filesystem transport) through Kombu's channel: a queue never used holds nothing. The
    channel's size (LLEN of each priority's list, or the files in the folder) rather than a
    passive queue_declare: that first asks Redis whether the list EXISTS, a command Kombu does
    not prefix under `global_keyprefix`, so a prefixed deployment would always read 0."""
    from ourplace.celery import app

    with app.connection_for_read() as connection, connection.channel() as channel:
        return {name: int(channel._size(name)) for name in names}


# Collectors other apps add (objects with a `collect()` yielding metric families, read at scrape
# time), so core never imports them.
_registered: list = []


def register(collector) -> None:
    if all(type(c) is not type(collector) for c in _registered):
        _registered.append(collector)


class DeploymentCollector:
    """The ``ourplace_*`` gauges, read from the broker and the database at scrape time."""

    def collect(self):
        yield from self._queues()
        yield from self._outbox()
        yield from self._heartbeats()

    def _queues(self):
        depth = GaugeMetricFamily(
            "ourplace_queue_depth", "Messages waiting in a Celery queue", labels=["queue"]
        )
        up = GaugeMetricFamily("ourplace_broker_up", "1 when the Celery broker answered")
        try:
            for name, count in queue_depths(queue_names()).items():
                depth.add_metric([name], count)
            up.add_metric([], 1)
        except Exception:  # the scrape still answers; the alert is on ourplace_broker_up
            logger.warning("Metrics: the broker did not answer", exc_info=True)
            up.add_metric([], 0)
        yield depth
        yield up

    def _outbox(self):
        from .models import OutboxMessage, OutboxStatus

        family = GaugeMetricFamily(
            "ourplace_outbox_messages", "Emails in the outbox by status", labels=["status"]
        )
        counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")))
        for status in OutboxStatus.values:
            family.add_metric([status], counts.get(status, 0))
        yield family

    def _heartbeats(self):
        from .health import BEAT, WORKER
        from .models import Heartbeat

        family = GaugeMetricFamily(
            "ourplace_heartbeat_age_seconds",
            "Seconds since a Celery worker's heartbeat or beat's last tick (absent: never seen)",
            labels=["process"],
        )
        now = timezone.now()
        for name, at in Heartbeat.objects.filter(name__in=[WORKER, BEAT]).values_list("name", "at"):
            family.add_metric([name], max(0.0, (now - at).total_seconds()))
        yield family


def _request_series() -> bytes:
    """django-prometheus's series: every gunicorn worker's, when they share a directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def authorised(request) -> bool:
    expected = f"Bearer {settings.METRICS_TOKEN}"
    return hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected.encode())


def metrics_view(request):
    """`/metrics` (see the module's docstring); no session, no user, no template."""
    if not settings.METRICS_TOKEN:
        return HttpResponse("not found", status=404, content_type="text/plain; charset=utf-8")
    if not authorised(request):
        response = HttpResponse(
            "a bearer token is needed", status=401, content_type="text/plain; charset=utf-8"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    own = CollectorRegistry(auto_describe=False)
    for collector in [DeploymentCollector(), *_registered]:
        own.register(collector)
    body = _request_series() + generate_latest(own)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
