"""Exactly one beat (core/beat.py): a second beat holds back while the first holds the lock, and
takes over when the first stops."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from core.beat import FileBeatLock, RedisBeatLock

WAIT_SECONDS = 90


def _redis_url() -> str:
    if not settings.REDIS_URL:
        pytest.skip("The Redis beat lock needs REDIS_URL (CI has Redis).")
    return settings.REDIS_URL


def test_a_file_lock_is_held_by_one_until_released(tmp_path):
    first, second = (
        FileBeatLock(path=tmp_path / "beat.lock"),
        FileBeatLock(path=tmp_path / "beat.lock"),
    )
    assert first.hold()
    assert first.hold()  # still ours
    assert not second.hold()
    assert str(os.getpid()) in second.holder()
    first.release()
    assert second.hold()
    second.release()


def test_a_redis_lock_is_held_by_one_renewed_and_released():
    key = f"test-beat-lock:{uuid.uuid4().hex}"
    first = RedisBeatLock(url=_redis_url(), key=key, ttl=30)
    second = RedisBeatLock(url=_redis_url(), key=key, ttl=30)
    try:
        assert first.hold()
        assert not second.hold()
        assert first.hold()  # renewed, not lost
        assert second.holder() == first.token
        second.release()  # not its lock: nothing happens
        assert first.client.get(key).decode() == first.token
        first.release()
        assert second.hold()
    finally:
        second.release()


def test_a_redis_lock_whose_holder_stops_renewing_passes_to_the_other():
    key = f"test-beat-lock:{uuid.uuid4().hex}"
    gone = RedisBeatLock(url=_redis_url(), key=key, ttl=0.3)
    other = RedisBeatLock(url=_redis_url(), key=key, ttl=30)
    try:
        assert gone.hold()
        deadline = time.monotonic() + WAIT_SECONDS
        while not other.hold():
            assert time.monotonic() < deadline, "the expired lock was never taken"
            time.sleep(0.1)
        assert not gone.hold()  # a holder that came back late does not take it back
    finally:
        other.release()
        gone.client.close()


def _start_beat(folder: Path, name: str, key: str) -> tuple[subprocess.Popen, Path]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.test",
        # Beat's heartbeat goes to a database of its own (it has no tables: a logged warning).
        "DATABASE_URL": f"sqlite:///{folder / 'beat.sqlite3'}",
        "BEAT_LOCK_KEY": key,
        "BEAT_LOCK_TTL_SECONDS": "3",
        # The stalled-job sweep every second: something to send on every tick.
        "JOB_STALL_SWEEP_SECONDS": "1",
        "CELERY_QUEUE": f"beat-test-{uuid.uuid4().hex[:8]}",
    }
    celery = str(Path(sys.executable).parent / "celery")
    log = folder / f"{name}.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [celery, "-A", "ourplace", "beat", "--loglevel=INFO", f"--schedule={folder / name}"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log


def _wait_for(text: str, log: Path, process: subprocess.Popen, *, count: int = 1) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while log.read_text().count(text) < count:
        if process.poll() is not None:
            pytest.fail(f"beat stopped (exit {process.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} not seen in {WAIT_SECONDS} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


SENDING = "Sending due task reports-jobs-requeue-stalled"


def test_a_second_beat_sends_nothing_until_the_first_stops(tmp_path):
    _redis_url()
    key = f"test-beat-lock:{uuid.uuid4().hex}"
    first, first_log = _start_beat(tmp_path, "first", key)
    second = None
    try:
        _wait_for("holds the beat lock", first_log, first)
        second, second_log = _start_beat(tmp_path, "second", key)
        _wait_for("another beat holds the lock", second_log, second)
        sent_before = first_log.read_text().count(SENDING)
        # The first goes on sending, several times, while the second stands by.
        _wait_for(SENDING, first_log, first, count=sent_before + 3)
        assert SENDING not in second_log.read_text()
        _stop(first)  # a clean stop releases the lock
        _wait_for("holds the beat lock", second_log, second)
        _wait_for(SENDING, second_log, second)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
