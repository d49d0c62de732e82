"""Liveness (/healthz) over plain HTTP behind a load balancer, and readiness (/readyz,
`manage.py health`): each check passing and failing, and nothing secret in what they print."""

from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone

from core import tasks
from core.health import BEAT, WORKER, heartbeat_record
from core.models import Heartbeat

UNREACHABLE_REDIS = "redis://:s3cret-password@127.0.0.1:1/0"
LOCAL_REDIS = "redis://127.0.0.1:6379/10"


@pytest.fixture
def production_http(settings):
    """What production sets that made a load balancer's plain-HTTP probe of a backend's address
    get a redirect (or a 400 for the host)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_REDIRECT_EXEMPT = []  # the middleware alone must be enough
    settings.ALLOWED_HOSTS = ["ourplace.example.org"]
    return settings


@pytest.fixture
def alive():
    heartbeat_record(WORKER)
    heartbeat_record(BEAT)


@pytest.fixture
def laptop(settings):
    # No Redis anywhere: only the database, storage and heartbeats are checked.
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return settings


def _lines(response) -> list[str]:
    return response.content.decode().splitlines()


@pytest.mark.django_db
def test_healthz_answers_200_over_plain_http_to_a_probe_by_address(client, production_http):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_other_pages_still_redirect_to_https_in_production(client, production_http):
    response = client.get("/accounts/login/", HTTP_HOST="ourplace.example.org")

    assert response.status_code == 301
    assert response["Location"].startswith("https://ourplace.example.org/")


@pytest.mark.django_db
def test_readyz_passes_when_every_check_passes(client, laptop, alive, production_http):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert [line.split(" (")[0] for line in _lines(response)] == [
        "database: ok",
        "storage: ok",
        "worker: ok",
        "beat: ok",
    ]
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_readyz_only_answers_get(client):
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_database_down_fails_readiness(client, laptop, alive):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert "database: failed (OperationalError)" in _lines(response)


@pytest.mark.django_db
def test_unreachable_redis_fails_the_broker_and_cache_without_showing_the_url(
    client, laptop, alive
):
    laptop.REDIS_URL = UNREACHABLE_REDIS
    laptop.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    lines = _lines(response)
    assert "broker: failed (ConnectionError)" in lines
    assert "cache: failed (ConnectionError)" in lines
    body = response.content.decode()
    assert "s3cret" not in body and "127.0.0.1" not in body


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_answers(), reason="needs Redis at 127.0.0.1:6379")
def test_reachable_redis_passes_the_broker_and_cache(client, laptop, alive):
    laptop.REDIS_URL = LOCAL_REDIS
    laptop.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LOCAL_REDIS,
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert {"broker: ok", "cache: ok"} <= set(_lines(response))


@pytest.mark.django_db
def test_storage_that_cannot_be_written_fails_readiness(client, laptop, alive, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage expects a folder")
    laptop.STORAGES = {
        **laptop.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "private")},
        },
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert any(line.startswith("storage: failed (") for line in _lines(response))
    assert str(tmp_path) not in response.content.decode()


@pytest.mark.django_db
def test_storage_check_leaves_no_file_behind(client, laptop, alive, tmp_path):
    laptop.STORAGES = {
        **laptop.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }

    assert client.get("/readyz").status_code == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "line"),
    [
        (WORKER, "worker: failed (no worker has ever been seen)"),
        (BEAT, "beat: failed (no beat tick has ever been seen)"),
    ],
)
def test_a_process_never_seen_fails_readiness(client, laptop, alive, name, line):
    Heartbeat.objects.filter(name=name).delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert line in _lines(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "stale_after", "line"),
    [
        (WORKER, "HEALTH_WORKER_STALE_SECONDS", "worker: failed (no worker seen for 10 min)"),
        (BEAT, "HEALTH_BEAT_STALE_SECONDS", "beat: failed (no beat tick seen for 10 min)"),
    ],
)
def test_a_stale_heartbeat_fails_readiness(client, laptop, alive, name, stale_after, line):
    setattr(laptop, stale_after, 300)
    Heartbeat.objects.filter(name=name).update(at=timezone.now() - timedelta(minutes=10))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert line in _lines(response)


@pytest.mark.django_db
def test_health_command_prints_the_checks_and_exits_0_when_ready(laptop, alive, capsys):
    call_command("health")

    out = capsys.readouterr().out
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "database: ok",
        "storage: ok",
        "worker: ok",
        "beat: ok",
        "Ready.",
    ]


@pytest.mark.django_db
def test_health_command_exits_non_zero_naming_what_failed(laptop, capsys):
    with pytest.raises(CommandError, match="Not ready: worker, beat.") as raised:
        call_command("health")

    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "worker: failed (no worker has ever been seen)" in out.splitlines()


@pytest.mark.django_db
def test_the_heartbeat_task_records_a_live_worker():
    tasks.health_heartbeat()

    assert Heartbeat.objects.get(name=WORKER).at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_beat_records_its_tick_when_it_sends_a_task_and_nobody_else_does(monkeypatch):
    tasks._beat_ticked(sender="core.tasks.health_heartbeat")
    assert not Heartbeat.objects.filter(name=BEAT).exists()  # a web process publishing

    monkeypatch.setattr(tasks, "_in_beat", False)
    tasks._beat_started(sender=None)  # the beat_init signal, in beat's own process
    Heartbeat.objects.filter(name=BEAT).delete()
    tasks._beat_ticked(sender="core.tasks.health_heartbeat")

    assert Heartbeat.objects.filter(name=BEAT).exists()
