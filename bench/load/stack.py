"""Start and stop the whole stack on loopback for the load test: gunicorn serving the site and
Celery workers with beat, all on the DATABASE_URL and REDIS_URL given, each in its own process
group so it can be stopped with its children."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    env: dict, folder: Path, *, port: int, web_workers: int = 3, celery_workers: int = 2
) -> list:
    """gunicorn on 127.0.0.1:port and `celery_workers` worker processes (the first with beat).
    Returns the processes; waits until the site answers."""
    folder.mkdir(parents=True, exist_ok=True)
    procs = []

    def spawn(name, command):
        log = (folder / f"{name}.log").open("w")
        procs.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    spawn(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "ourplace.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
    )
    queue = env.get("CELERY_QUEUE", "celery")
    for i in range(celery_workers):
        command = [str(BIN / "celery"), "-A", "ourplace", "worker", "--concurrency=1"]
        command += ["-Q", queue, "--loglevel=INFO", f"--hostname=load{i}-{queue}@%h"]
        command += ["--without-gossip", "--without-mingle"]
        if i == 0:
            command += ["-B", f"--schedule={folder / 'beat'}"]
        spawn(f"celery{i}", command)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).read()
            return procs
        except OSError:
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.5)
    stop(procs)
    raise RuntimeError(f"The stack did not start; see the logs in {folder}")


def stop(procs: list) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
