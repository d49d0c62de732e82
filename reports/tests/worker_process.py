"""Starting and stopping a real Celery worker for the fault tests, on a queue of its own.

The test process sends its outbox messages to that queue (`route_outbox_to`); the worker reads the
queue name from CELERY_QUEUE, so what it sends itself (the outbox sweep, stalled jobs sent again)
goes there too, and no other worker (a developer's, another test run's) takes any of it."""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from .test_worker import _database_url

# Nothing listens on port 1: plays the broker that is down.
DEAD_BROKER = "redis://127.0.0.1:1/0"
WAIT_SECONDS = 150


def route_outbox_to(monkeypatch) -> str:
    """A fresh queue name; this process's outbox sends its messages there."""
    from core import outbox
    from ourplace.celery import app

    if _database_url() is None:
        pytest.skip("The worker tests need a database another process can open (PostgreSQL).")
    queue = f"faults-{uuid.uuid4().hex[:10]}"

    def send(message):
        result = app.send_task(
            message.task,
            args=message.args,
            kwargs=message.kwargs,
            queue=queue,
            task_id=message.task_id,  # the id the outbox committed, so the worker's confirm finds it
            retry=False,
        )
        return result.id or ""

    monkeypatch.setattr(outbox, "_send", send)
    return queue


def start_worker(
    queue: str,
    folder: Path,
    *,
    env: dict | None = None,
    pool: str = "solo",
    beat: bool = False,
    name: str = "worker",
) -> tuple[subprocess.Popen, Path]:
    """`celery -A ourplace worker` on `queue`, with this test's database and private files, in a
    process group of its own (so its pool children can be stopped with it)."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.test",
        "DATABASE_URL": _database_url(),
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        # A beat lock per worker: a killed worker's beat keeps its lock until it expires, and the
        # worker a test starts after it must not stand by for that long.
        "BEAT_LOCK_KEY": f"test-beat-lock:{queue}:{name}",
        **(env or {}),
    }
    command = [celery, "-A", "ourplace", "worker", f"--pool={pool}", "--concurrency=1"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    command += ["-Q", queue, "--loglevel=INFO", f"--hostname={name}-{queue}@%h"]
    if beat:
        command += ["-B", f"--schedule={folder / f'beat-{name}'}"]
    log = folder / f"{name}.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return worker, log


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop the worker and every process of its group (a killed main process leaves children)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            break
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.5)
    if worker.poll() is None:
        worker.wait(timeout=5)


def wait_until(condition, worker, log: Path, *, poll: float = 0.5, seconds: float = WAIT_SECONDS):
    """Wait for `condition()` to be true while the worker runs; fail with its log otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker.poll() is not None:
            pytest.fail(f"The worker stopped (exit {worker.returncode}):\n{log.read_text()}")
        time.sleep(poll)
    pytest.fail(f"Not done within {seconds} s; worker log:\n{log.read_text()[-6000:]}")
