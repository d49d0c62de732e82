"""Prometheus metrics (`/metrics`, core/metrics.py): off unless METRICS_TOKEN is set, only for a
scraper with the token, answered to a scrape by address over plain HTTP, and the figures it
gives are the broker's and the database's own (messages really published to a queue, jobs and
emails really in their tables), plus django-prometheus's request counts."""

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core.health import BEAT, WORKER
from core.models import Heartbeat, OutboxMessage, OutboxStatus
from ourplace.celery import app
from ourplace.settings.base import with_metrics_middleware
from reports.models import ExportJob, JobStatus, ReportJob, ReportKind

# Fixed, not random: it appears in parametrized test ids, which every xdist worker must collect
# alike.
TOKEN = "scrape-token-for-the-tests"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    return settings


def _samples(response) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a Prometheus text answer."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.django_db
def test_metrics_are_not_there_unless_a_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""

    response = client.get("/metrics", **AUTH)

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN],
    ids=["none", "wrong-token", "basic-scheme", "no-scheme"],
)
def test_a_scrape_without_the_token_is_refused(client, metrics_on, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"ourplace_" not in response.content


@pytest.mark.django_db
def test_a_scrape_by_address_over_plain_http_is_answered(client, metrics_on):
    # What production sets: https only, one host name. A scraper reaches each web process by its
    # address over HTTP, as a load balancer's probe does.
    metrics_on.SECURE_SSL_REDIRECT = True
    metrics_on.ALLOWED_HOSTS = ["ourplace.example.org"]

    response = client.get("/metrics", HTTP_HOST="10.0.0.7:8000", **AUTH)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_jobs_and_emails_are_counted_by_status(client, metrics_on, programme_manager, area):
    for status in (JobStatus.FAILED, JobStatus.FAILED, JobStatus.SUCCEEDED):
        ReportJob.objects.create(
            kind=ReportKind.AREA_PROGRESS, area=area, status=status, requested_by=programme_manager
        )
    ExportJob.objects.create(
        export="areas",
        fmt="csv",
        status=JobStatus.FAILED,
        requested_by=programme_manager,
        filename="areas.csv",
    )
    OutboxMessage.objects.create(task="core.tasks.x", status=OutboxStatus.FAILED)
    OutboxMessage.objects.create(task="core.tasks.x", status=OutboxStatus.PENDING)
    OutboxMessage.objects.create(task="core.tasks.x", status=OutboxStatus.PENDING)

    found = _samples(client.get("/metrics", **AUTH))

    jobs = "ourplace_background_jobs"
    assert found[(jobs, (("kind", "report"), ("status", "failed")))] == 2
    assert found[(jobs, (("kind", "report"), ("status", "succeeded")))] == 1
    assert found[(jobs, (("kind", "report"), ("status", "queued")))] == 0
    assert found[(jobs, (("kind", "export"), ("status", "failed")))] == 1
    assert found[(jobs, (("kind", "import"), ("status", "failed")))] == 0
    assert found[("ourplace_outbox_messages", (("status", "failed"),))] == 1
    assert found[("ourplace_outbox_messages", (("status", "pending"),))] == 2


@pytest.mark.django_db
def test_heartbeat_ages_are_the_seconds_since_each_was_seen(client, metrics_on):
    now = timezone.now()
    Heartbeat.objects.create(name=WORKER, at=now - timedelta(seconds=95))
    Heartbeat.objects.create(name=BEAT, at=now - timedelta(minutes=20))

    found = _samples(client.get("/metrics", **AUTH))

    worker = found[("ourplace_heartbeat_age_seconds", (("process", "worker"),))]
    beat = found[("ourplace_heartbeat_age_seconds", (("process", "beat"),))]
    assert 95 <= worker < 95 + 60
    assert 1200 <= beat < 1200 + 60


@pytest.mark.django_db
def test_never_seen_heartbeats_are_absent_rather_than_zero(client, metrics_on):
    found = _samples(client.get("/metrics", **AUTH))

    assert not any(name == "ourplace_heartbeat_age_seconds" for name, _ in found)


@pytest.mark.django_db
def test_queue_depth_is_what_waits_in_the_broker(client, metrics_on):
    """Messages published through Celery to a queue no worker reads are counted there, on the
    broker this run uses (Redis in CI, the filesystem transport on the laptop)."""
    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    metrics_on.METRICS_QUEUES = [queue, f"{queue}-empty"]
    try:
        for _ in range(3):
            app.send_task("core.tasks.never_run", queue=queue)

        found = _samples(client.get("/metrics", **AUTH))
    finally:
        with app.connection_for_write() as connection, connection.channel() as channel:
            channel.queue_purge(queue)

    assert found[("ourplace_queue_depth", (("queue", queue),))] == 3
    assert found[("ourplace_queue_depth", (("queue", f"{queue}-empty"),))] == 0
    assert found[("ourplace_broker_up", ())] == 1


@pytest.mark.django_db
def test_an_unreachable_broker_is_reported_not_a_500(client, metrics_on):
    metrics_on.METRICS_QUEUES = ["celery"]
    unreachable = "redis://127.0.0.1:1/0"
    old = app.conf.broker_url, app.conf.broker_connection_timeout
    app.conf.broker_url, app.conf.broker_connection_timeout = unreachable, 1
    try:
        response = client.get("/metrics", **AUTH)
    finally:
        app.conf.broker_url, app.conf.broker_connection_timeout = old

    assert response.status_code == 200
    assert _samples(response)[("ourplace_broker_up", ())] == 0


@pytest.mark.django_db
def test_requests_are_counted_by_django_prometheus(client, metrics_on):
    with override_settings(MIDDLEWARE=with_metrics_middleware(metrics_on.MIDDLEWARE)):
        key = ("django_http_responses_total_by_status_view_method_total",)
        before = _samples(client.get("/metrics", **AUTH))
        client.get("/privacy/")
        client.get("/privacy/")
        after = _samples(client.get("/metrics", **AUTH))

    labels = (("method", "GET"), ("status", "200"), ("view", "privacy"))
    assert after[(key[0], labels)] - before.get((key[0], labels), 0) == 2
    # The scrape itself is not traffic.
    assert not any(dict(lab).get("view") == "metrics" for name, lab in after if "http" in name)


def test_the_middleware_pair_wraps_everything_after_the_probes(settings):
    wrapped = with_metrics_middleware(settings.MIDDLEWARE)

    assert wrapped[0] == "core.middleware.ProbeMiddleware"
    assert wrapped[1] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert wrapped[-1] == "django_prometheus.middleware.PrometheusAfterMiddleware"
    assert wrapped[2:-1] == settings.MIDDLEWARE[1:]
