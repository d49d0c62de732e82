"""A small load driver: simulated people (threads) log in and follow mixed journeys against a
running site, with writes and report requests, for a fixed time. Standard library only.

Each simulated person logs in, finds the areas they look after on "My areas", then repeats a
journey: home page, "My areas", an area's support page, the notifications and reports pages,
logs a contact (a write, marked so it can be counted afterwards) and sometimes asks for the area's
progress report. A write counts as acknowledged when the site answered it with its redirect.

    python bench/load/driver.py --base http://127.0.0.1:8000 --users 30 --seconds 60 \
        --login rm:ourplace-demo --login rm2:ourplace-demo

Prints a JSON summary: requests, server errors (5xx), transport errors, acknowledged writes and
report requests, latency percentiles, and the marker the writes carry.
"""

import argparse
import http.cookiejar
import json
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AREA_LINK = re.compile(r'href="/support/areas/([^/"]+)/log/"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One simulated person: their own cookies, their own counts."""

    def __init__(self, run, username, password):
        self.run, self.username, self.password = run, username, password
        self.jar = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies, NoRedirect)
        self.areas: list[str] = []

    def request(self, path, data=None):
        """(status, body); a 3xx is returned as it is, not followed."""
        url = self.run.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={"Referer": self.run.base + "/"})
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=60) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as exc:
            self.run.count("transport_errors", f"{path}: {exc}")
            return 0, ""
        self.run.record(path, status, time.monotonic() - started)
        return status, text

    def post(self, page, path, data):
        status, text = self.request(page)
        token = CSRF.search(text)
        if not token:
            return 0, ""
        return self.request(path, {"csrfmiddlewaretoken": token.group(1), **data})

    def log_in(self) -> bool:
        status, _ = self.post(
            "/accounts/login/",
            "/accounts/login/",
            {"username": self.username, "password": self.password},
        )
        if status != 302:
            return False
        _, text = self.request("/support/my-areas/")
        self.areas = sorted(set(AREA_LINK.findall(text)))
        return bool(self.areas)

    def journey(self):
        area = random.choice(self.areas)
        for path in ("/", "/support/my-areas/", f"/support/areas/{area}/", "/notifications/"):
            self.request(path)
        marker = f"{self.run.marker}-{uuid.uuid4().hex[:12]}"
        status, _ = self.post(
            f"/support/areas/{area}/log/",
            f"/support/areas/{area}/log/",
            {
                "date": time.strftime("%Y-%m-%d"),
                "kind": "call",
                "duration_minutes": "15",
                "participants": "Load test",
                "notes": marker,
                "risk_level": "none",
                "followups-TOTAL_FORMS": "0",
                "followups-INITIAL_FORMS": "0",
                "followups-MIN_NUM_FORMS": "0",
                "followups-MAX_NUM_FORMS": "1000",
            },
        )
        if status == 302:
            self.run.count("writes_acknowledged")
        if random.random() < 0.25:
            status, _ = self.post(
                f"/support/areas/{area}/log/", f"/reports/areas/{area}/request/", {}
            )
            if status == 302:
                self.run.count("report_requests_acknowledged")


class Run:
    def __init__(self, base, seconds, marker):
        self.base, self.seconds, self.marker = base.rstrip("/"), seconds, marker
        self.lock = threading.Lock()
        self.counts = {
            "requests": 0,
            "server_errors": 0,
            "client_errors": 0,
            "transport_errors": 0,
            "writes_acknowledged": 0,
            "report_requests_acknowledged": 0,
            "people_logged_in": 0,
        }
        self.latencies: list[float] = []
        self.problems: list[str] = []

    def record(self, path, status, seconds):
        with self.lock:
            self.counts["requests"] += 1
            self.latencies.append(seconds)
            if status >= 500:
                self.counts["server_errors"] += 1
                self.problems.append(f"{status} {path}")
            elif status >= 400:
                self.counts["client_errors"] += 1
                self.problems.append(f"{status} {path}")

    def count(self, name, problem=None):
        with self.lock:
            self.counts[name] += 1
            if problem:
                self.problems.append(problem)

    def person(self, username, password, deadline):
        person = Person(self, username, password)
        if not person.log_in():
            self.count("transport_errors", f"{username} could not log in or has no areas")
            return
        self.count("people_logged_in")
        while time.monotonic() < deadline:
            person.journey()

    def summary(self) -> dict:
        lat = sorted(self.latencies) or [0.0]
        return {
            **self.counts,
            "seconds": self.seconds,
            "marker": self.marker,
            "latency_ms_p50": round(statistics.median(lat) * 1000, 1),
            "latency_ms_p95": round(lat[int(len(lat) * 0.95) - 1 if len(lat) > 1 else 0] * 1000, 1),
            "problems": self.problems[:20],
        }


def run_load(*, base: str, logins: list[tuple[str, str]], users: int, seconds: float) -> dict:
    """Run `users` simulated people (taking turns over `logins`) for `seconds`; the summary."""
    run = Run(base, seconds, marker=f"load-{uuid.uuid4().hex[:8]}")
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=run.person, args=(*logins[i % len(logins)], deadline))
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run.summary()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--login", action="append", default=[], help="username:password")
    args = parser.parse_args()
    logins = [tuple(item.split(":", 1)) for item in args.login] or [("rm", "ourplace-demo")]
    print(
        json.dumps(run_load(base=args.base, logins=logins, users=args.users, seconds=args.seconds))
    )


if __name__ == "__main__":
    main()
