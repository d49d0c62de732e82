"""Exactly one beat: the scheduler sends periodic tasks only while it holds a lock, so a second
beat started by mistake (two machines each running ourplace-beat, a container scaled to two) sends
nothing and stands by, and takes over if the first one dies.

With Redis (REDIS_URL) the lock is a key set with NX and a time to live, renewed on every tick by
its holder only (compare-and-set in a Lua script, so an expired holder never renews or deletes
another's lock); a beat that dies stops renewing and its lock expires after BEAT_LOCK_TTL_SECONDS.
On the laptop's filesystem broker, which only works on one machine anyway, it is an exclusive
``flock`` on a file beside the broker folder, held until the process ends.

Celery runs the scheduler as ``celery -A ourplace beat`` (or ``worker -B``); settings name it in
CELERY_BEAT_SCHEDULER.
"""

import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

# Renew only a lock we still hold; release only our own (KEYS[1] the key, ARGV[1] our token).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisBeatLock:
    """A lock held by renewing it: `hold()` takes it when free, renews it when ours, and says
    whether we hold it now."""

    def __init__(self, *, url: str, key: str, ttl: float):
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self.key = key
        self.ttl_ms = int(ttl * 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    def hold(self) -> bool:
        if self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms):
            return True
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def holder(self) -> str:
        try:
            value = self.client.get(self.key)
        except Exception:
            return ""
        return value.decode() if value else ""

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)
        self.client.close()


class FileBeatLock:
    """An exclusive flock on `path`: one beat per machine, which is all the filesystem broker
    serves. The kernel drops it when the process ends, however it ends."""

    def __init__(self, *, path: Path):
        self.path = Path(path)
        self.handle = None

    def hold(self) -> bool:
        if self.handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{socket.gethostname()}:{os.getpid()}\n")
        handle.flush()
        self.handle = handle
        return True

    def holder(self) -> str:
        try:
            return self.path.read_text().strip()
        except OSError:
            return ""

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def beat_lock():
    """The lock for this configuration: Redis when REDIS_URL is set, else a file."""
    if settings.REDIS_URL:
        return RedisBeatLock(
            url=settings.REDIS_URL, key=settings.BEAT_LOCK_KEY, ttl=settings.BEAT_LOCK_TTL_SECONDS
        )
    return FileBeatLock(path=Path(settings.CELERY_BROKER_DIR) / "beat.lock")


class SingleBeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, sending only while it holds the beat lock.

    A beat without the lock stands by: every tick it tries again, and keeps its schedule in step
    (each entry that comes due is moved on to its next run without being sent, as the holder
    sends it), so when it takes over it sends only what fell due while the lock was expiring, not
    every daily job since it started."""

    lock = None
    # None until the first tick, then whether this beat held the lock at its last tick.
    holding = None

    def setup_schedule(self):
        super().setup_schedule()
        self.lock = beat_lock()
        # The lock is renewed at least this often, well within its time to live.
        self.renew_every = settings.BEAT_LOCK_TTL_SECONDS / 3
        self.max_interval = min(self.max_interval, self.renew_every)

    def tick(self, *args, **kwargs):
        try:
            held = self.lock.hold()
        except Exception:
            # Redis unreachable: we cannot know whether another beat holds it, so send nothing.
            logger.warning("beat: could not reach the beat lock; sending nothing", exc_info=True)
            held = False
        if held != self.holding:
            if held:
                logger.info("beat: holds the beat lock; sending periodic tasks")
                self._heap = None  # rebuilt from the schedule kept in step while standing by
            else:
                logger.warning(
                    "beat: another beat holds the lock (%s); standing by, sending nothing",
                    self.lock.holder() or "unknown",
                )
            self.holding = held
        if not held:
            self._keep_in_step()
            return self.renew_every
        return min(super().tick(*args, **kwargs), self.renew_every)

    def _keep_in_step(self):
        for name, entry in list(self.schedule.items()):
            try:
                due, _ = entry.is_due()
            except Exception:
                continue
            if due:
                self.schedule[name] = self.reserve(entry)
        self._heap = None

    def close(self):
        try:
            super().close()
        finally:
            if self.lock is not None:
                try:
                    self.lock.release()
                except Exception:
                    logger.warning("beat: could not release the beat lock", exc_info=True)
