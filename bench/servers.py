"""The processes the benchmark starts: gunicorn, Celery workers and its own probes. Each runs in a
session (process group) of its own, and `Processes` stops every one it started when its block
ends, on success, error, Ctrl-C or SIGTERM alike."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import load

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []

    def __enter__(self):
        # A SIGTERM (say, from a CI timeout) unwinds like Ctrl-C, so the finally blocks stop
        # everything this harness started.
        self._previous = signal.signal(signal.SIGTERM, self._terminate)
        return self

    def __exit__(self, *exc):
        for proc in list(self.running):
            self.stop(proc)
        signal.signal(signal.SIGTERM, self._previous)

    @staticmethod
    def _terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        with open(self.log_dir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc.bench_name = name
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 15) -> None:
        """TERM the process group, then KILL whatever is left after `grace` seconds."""
        if proc.poll() is None:
            self._signal(proc, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal(proc, signal.SIGKILL)
                proc.wait(5)
        # Children a worker left behind (its group outlives it) are stopped too.
        self._signal(proc, signal.SIGKILL)
        if proc in self.running:
            self.running.remove(proc)

    @staticmethod
    def _signal(proc, sig):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)

    def run(self, name: str, argv: list[str], env: dict, timeout: float) -> int | None:
        """Run to completion; stopped (returning None) once `timeout` seconds have passed."""
        proc = self.start(name, argv, env)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            self.stop(proc)

    # The servers --------------------------------------------------------------------------------

    def gunicorn(self, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
        port = free_port()
        argv = [
            sys.executable, "-m", "gunicorn", "ourplace.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
            "--timeout", "600", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        proc = self.start("gunicorn", argv, env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start; see {self.log_dir}/gunicorn.log")
            try:
                if load.get(port, "/healthz") == 200:
                    return proc, port
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer /healthz within 90 seconds.")

    def celery_workers(self, env: dict, count: int) -> list[subprocess.Popen]:
        """`count` separate `celery worker` processes, one task at a time each, on the default
        queue and a queue of their own (for the warm-up job)."""
        procs = []
        for k in range(count):
            argv = [sys.executable, "-m", "celery", "-A", "ourplace", "worker"]
            argv += ["--pool", "prefork", "--concurrency", "1", "-n", f"bench{k}@%h"]
            argv += ["-Q", f"celery,bench{k}", "--without-gossip", "--without-mingle"]
            procs.append(self.start(f"celery-{k}", argv + ["--loglevel", "WARNING"], env))
        return procs
