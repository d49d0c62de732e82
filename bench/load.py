"""Timed HTTP requests against the server the benchmark started on 127.0.0.1: a bounded number of
GETs of one page at a fixed concurrency, each read to its last byte. Standard library only."""

import http.client
import math
import threading
import time

READ_CHUNK = 256 * 1024


def percentile(samples: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of the samples, None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Block:
    """`count` requests for `path` from `concurrency` threads, stopping early (after the requests
    in flight) once `budget` seconds have passed. Latencies in milliseconds."""

    def __init__(self, *, port, path, cookie, count, concurrency, budget, timeout=300, htmx=False):
        self.port, self.path, self.cookie, self.htmx = port, path, cookie, htmx
        self.count, self.concurrency, self.budget, self.timeout = (
            count, concurrency, budget, timeout,
        )  # fmt: skip
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.started = 0
        self.lock = threading.Lock()

    def run(self) -> "Block":
        self.deadline = time.monotonic() + self.budget
        threads = [
            threading.Thread(target=self._worker, daemon=True) for _ in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self

    def _claim(self) -> bool:
        with self.lock:
            if self.started >= self.count or time.monotonic() > self.deadline:
                return False
            self.started += 1
            return True

    def _worker(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Host": "127.0.0.1", "Accept": "text/html,*/*"}
        if self.cookie:
            headers["Cookie"] = f"sessionid={self.cookie}"
        if self.htmx:
            headers["HX-Request"] = "true"  # as htmx asks for a part of a page
        try:
            while self._claim():
                began = time.perf_counter()
                try:
                    conn.request("GET", self.path, headers=headers)
                    response = conn.getresponse()
                    while response.read(READ_CHUNK):
                        pass
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    with self.lock:
                        self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    continue
                took = (time.perf_counter() - began) * 1000
                with self.lock:
                    if status == 200:
                        self.latencies.append(took)
                    else:
                        self.errors.append(f"HTTP {status}")
        finally:
            conn.close()


def get(port: int, path: str, cookie: str = "", timeout: float = 5) -> int:
    """One request's status (for waiting until the server answers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def measure(*, port, pages, sessions, config, log=print) -> dict:
    """Every page, interleaved: a warm-up request per server worker, then `repeats` rounds in
    which each page in turn gets its share of the requests and of the time budget. The floor and
    the admin changelist are pages like any other here, so they see the same machine load as the
    pages they are compared with. Exports, compared with nothing, get one round of the whole
    budget. A page whose warm-up shows that one wave of `concurrency` requests would not fit in
    its round's budget gets just that one wave per round: the budget stops new requests, not
    those in flight, and this keeps a 30-second export from making a round take minutes."""
    latencies = {p["key"]: [] for p in pages}
    errors = {p["key"]: [] for p in pages}
    warm = {}

    def block(page, count, budget):
        cookie = sessions.get(page["role"], "") if page["role"] else ""
        return Block(
            port=port, path=page["path"], cookie=cookie, count=count,
            concurrency=config.concurrency, budget=budget, htmx=page.get("htmx", False),
        ).run()  # fmt: skip

    for page in pages:
        done = block(page, config.gunicorn_workers, config.page_seconds)
        warm[page["key"]] = max(done.latencies, default=0) / 1000
    waves = math.ceil(config.concurrency / config.gunicorn_workers)
    for rnd in range(config.repeats):
        for page in pages:
            export = page["kind"] == "export"
            if export and rnd:
                continue
            rounds = 1 if export else config.repeats
            budget = config.page_seconds / rounds
            count = math.ceil(config.requests / rounds)
            if warm[page["key"]] * waves > budget:
                count = min(count, config.concurrency)
            done = block(page, count, budget)
            latencies[page["key"]] += done.latencies
            errors[page["key"]] += done.errors
        log(f"    round {rnd + 1} of {config.repeats} done")
    return {
        key: {
            "n": len(values),
            "p50_ms": _round(percentile(values, 0.50)),
            "p95_ms": _round(percentile(values, 0.95)),
            "warm_up_ms": _round(warm[key] * 1000),
            "errors": len(errors[key]),
            "first_error": errors[key][0] if errors[key] else "",
        }
        for key, values in latencies.items()
    }


def _round(value):
    return None if value is None else round(value, 1)
