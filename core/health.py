"""Readiness: can this deployment do its work? The database answers, Redis (broker and shared
cache, where configured) answers, the private file storage takes a file and gives it back, a
Celery worker is alive and the beat scheduler is ticking.

`/readyz` and `manage.py health` run the same checks and print one line for each. The lines
never carry a connection string, a path or an exception's message (they can hold passwords and
host names): only the check's name, "ok" or "failed" and a reason of our own words.

django-health-check was considered: its Celery check pings workers through the broker (which the
laptop's filesystem broker cannot answer) and it has no notion of beat's last tick, so the
checks here are a small module instead, with heartbeats written to the database (a Heartbeat row
per process kind) so that every web process sees the same answer.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

WORKER = "worker"
BEAT = "beat"
LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        status = "ok" if self.ok else "failed"
        return f"{self.name}: {status}" + (f" ({self.detail})" if self.detail else "")


class CheckFailed(Exception):
    """A check's own reason, safe to show (no secrets, no paths)."""


def heartbeat_record(name: str) -> None:
    """Note that the process kind `name` is alive now (one row per kind, overwritten)."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def check_cache() -> None:
    cache = caches["default"]
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    try:
        if cache.get(key) != "ok":
            raise CheckFailed("a value written was not read back")
    finally:
        cache.delete(key)


def private_storage():
    """The storage private files live in (STORAGES["private"], core.storage)."""
    return storages["private"]


def check_storage() -> None:
    storage = private_storage()
    content = uuid.uuid4().hex.encode()
    name = storage.save(f"health/readiness-{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise CheckFailed("a file written was not read back the same")
    finally:
        storage.delete(name)


def _check_heartbeat(name: str, stale_after: float, what: str) -> Callable[[], str]:
    def check() -> str:
        from .models import Heartbeat

        beat = Heartbeat.objects.filter(name=name).first()
        if beat is None:
            raise CheckFailed(f"no {what} has ever been seen")
        age = (timezone.now() - beat.at).total_seconds()
        if age > stale_after:
            raise CheckFailed(f"no {what} seen for {_ago(age)}")
        return f"seen {_ago(age)} ago"

    return check


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def checks() -> list[tuple[str, Callable[[], str | None]]]:
    """The checks this configuration needs, in order."""
    found: list[tuple[str, Callable[[], str | None]]] = [("database", check_database)]
    if settings.REDIS_URL:
        found.append(("broker", check_broker))
    if settings.CACHES["default"]["BACKEND"] not in LOCAL_CACHES:
        found.append(("cache", check_cache))
    found.append(("storage", check_storage))
    found.append(
        ("worker", _check_heartbeat(WORKER, settings.HEALTH_WORKER_STALE_SECONDS, "worker"))
    )
    found.append(("beat", _check_heartbeat(BEAT, settings.HEALTH_BEAT_STALE_SECONDS, "beat tick")))
    return found


def readiness() -> list[CheckResult]:
    """Run every check; one that raises fails with its own reason (CheckFailed) or with the
    exception's class name only, the full error going to the log."""
    results = []
    for name, check in checks():
        try:
            detail = check() or ""
        except CheckFailed as exc:
            results.append(CheckResult(name, False, str(exc)))
        except Exception as exc:  # any failure of a dependency is "not ready", never a 500
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results.append(CheckResult(name, False, type(exc).__name__))
        else:
            results.append(CheckResult(name, True, detail))
    return results
