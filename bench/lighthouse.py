"""Lighthouse 12 (mobile, its default simulated throttling) on the key pages of the demo, as the
role that works on each: performance, total blocking time, accessibility and best practices,
against issue 25's targets (performance >= 95, total blocking time <= 200 ms, accessibility and
best practices 100).

    .venv/bin/python bench/lighthouse.py              # every key page, three runs each (median)
    .venv/bin/python bench/lighthouse.py --runs 1     # a quick look
    make lighthouse                                   # the same as the first line

What it does: a demo database of its own (SQLite, var/bench/lighthouse/demo.sqlite3, made with
`migrate` and `load_demo`, kept while the code's migrations are unchanged), the static files
collected as production serves them (hashed, compressed, by WhiteNoise), gunicorn with the
production settings on a free port of 127.0.0.1, one signed-in session per role (with the second
factor given, as production asks managers for it), then Lighthouse from the npm registry
(installed under var/bench/lighthouse-npm on first use) in Debian's Chromium for each page.
Writes bench/results/lighthouse.json and bench/results/lighthouse.md; exits 1 when a page misses
a target. Every process it starts is stopped when it ends.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import servers  # noqa: E402

WORK = ROOT / "var" / "bench" / "lighthouse"
NPM = ROOT / "var" / "bench" / "lighthouse-npm"
LIGHTHOUSE_VERSION = "12.2.3"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
TARGETS = {"performance": 95, "tbt_ms": 200, "accessibility": 100, "best_practices": 100}
RESULTS = BENCH / "results"

# (key, label, role, how to find the address in the demo: see _addresses)
PAGES = [
    ("my_work", "My work", "pm"),
    ("area", "Area page (R2-041)", "pm"),
    ("area_lead", "Area page (R2-041), lead", "lead"),
    ("areas", "Area list", "pm"),
    ("dashboard", "Programme dashboard", "pm"),
    ("finance", "Finance", "finance"),
    ("plan", "Plan workspace (R2-041)", "lead"),
    ("review_queue", "Plan review queue", "pm"),
]


def _addresses() -> dict[str, str]:
    from django.urls import reverse

    from programmes.models import Round

    current = Round.objects.order_by("-opens_on").first()
    return {
        "my_work": reverse("mywork"),
        "area": "/areas/R2-041/",
        "area_lead": "/areas/R2-041/",
        "areas": reverse("programmes:area_list"),
        "dashboard": reverse("reports:dashboard", args=[current.slug]),
        "finance": reverse("grants:finance"),
        "plan": reverse("plans:workspace", args=["R2-041"]),
        "review_queue": reverse("plans:review_queue"),
    }


def prepare(out: Path) -> None:
    """In the server's settings: the addresses and one signed-in session per role."""
    import django

    django.setup()
    from django.test import Client
    from probe import _second_factor_verified

    from accounts.models import User

    sessions = {}
    for role in sorted({role for _, _, role in PAGES}):
        client = Client()
        user = User.objects.get(username=role)
        client.force_login(user)
        _second_factor_verified(client, user)
        sessions[role] = client.cookies["sessionid"].value
    out.write_text(json.dumps({"addresses": _addresses(), "sessions": sessions}))


def _env() -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "ourplace.settings.production",
        "DATABASE_URL": f"sqlite:///{WORK / 'demo.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(WORK / "static"),
        "PRIVATE_STORAGE_ROOT": str(WORK / "private"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "EMAIL_ALLOW_CONSOLE": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(procs, name: str, args: list[str], env: dict, timeout: float = 900) -> None:
    code = procs.run(name, [sys.executable, "manage.py", *args], env, timeout)
    if code != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed; see {WORK / (name + '.log')}")


def _migrations_stamp() -> str:
    files = sorted(ROOT.glob("*/migrations/0*.py"))
    return str(len(files)) + ":" + str(max(int(f.stat().st_mtime) for f in files))


def _demo(procs, env: dict) -> None:
    stamp = WORK / "demo.stamp"
    database = WORK / "demo.sqlite3"
    if database.exists() and stamp.exists() and stamp.read_text() == _migrations_stamp():
        return
    database.unlink(missing_ok=True)
    _manage(procs, "migrate", ["migrate", "--noinput", "-v0"], env)
    # A demonstration site of its own, on 127.0.0.1 only: the known passwords are the point.
    _manage(procs, "load_demo", ["load_demo", "--force", "-v0"], env)
    stamp.write_text(_migrations_stamp())


def _lighthouse_bin() -> Path:
    binary = NPM / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        NPM.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "init", "-y"], cwd=NPM, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=NPM,
            check=True,
            capture_output=True,
        )
    return binary


def _run_lighthouse(binary: Path, url: str, session: str, out: Path, assets: bool) -> dict:
    argv = [
        str(binary),
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-flags={CHROME_FLAGS}",
        "--extra-headers",
        json.dumps({"Cookie": f"sessionid={session}"}),
        "--quiet",
    ] + (["--save-assets"] if assets else [])
    for attempt in (1, 2):
        # A Chromium that fails to start or crashes mid-run (a busy machine) is given one more go.
        done = subprocess.run(argv, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
        if done.returncode == 0:
            break
        if attempt == 2:
            raise SystemExit(f"Lighthouse failed twice on {url} (exit {done.returncode}).")
    report = json.loads(out.read_text())
    if report.get("finalDisplayedUrl", url).split("?")[0] != url.split("?")[0]:
        raise SystemExit(f"{url} was redirected to {report['finalDisplayedUrl']}: not signed in?")
    categories, audits = report["categories"], report["audits"]
    return {
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "best_practices": round(categories["best-practices"]["score"] * 100),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def _median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (Lighthouse's own advice for several runs)."""
    ordered = sorted(runs, key=lambda r: (r["performance"], -r["tbt_ms"]))
    return {**ordered[len(ordered) // 2], "runs": len(runs)}


def _misses(result: dict) -> list[str]:
    misses = []
    for key in ("performance", "accessibility", "best_practices"):
        if result[key] < TARGETS[key]:
            misses.append(f"{key.replace('_', ' ')} {result[key]} < {TARGETS[key]}")
    if result["tbt_ms"] > TARGETS["tbt_ms"]:
        misses.append(f"TBT {result['tbt_ms']} ms > {TARGETS['tbt_ms']} ms")
    return misses


def _markdown(rows: list[dict], meta: dict) -> str:
    lines = [
        "# Lighthouse on the key pages (mobile, simulated throttling)",
        "",
        f"{meta['when']} · Lighthouse {LIGHTHOUSE_VERSION} · {meta['chromium']} · "
        f"median of {meta['runs']} run(s) per page · the demo under gunicorn with the production "
        "settings. Targets: performance >= 95, total blocking time <= 200 ms, accessibility and "
        "best practices 100. `bench/lighthouse.py` made this file.",
        "",
        "| Page | Role | Performance | TBT (ms) | LCP (ms) | FCP (ms) | CLS | Accessibility "
        "| Best practices | Bytes | Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        verdict = "met" if not r["misses"] else "missed: " + "; ".join(r["misses"])
        lines.append(
            f"| {r['label']} | {r['role']} | {r['performance']} | {r['tbt_ms']} | {r['lcp_ms']} "
            f"| {r['fcp_ms']} | {r['cls']} | {r['accessibility']} | {r['best_practices']} "
            f"| {r['bytes'] // 1024:,} KB | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median kept)")
    parser.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    parser.add_argument(
        "--save-assets", action="store_true", help="keep each run's trace (var/bench/lighthouse)"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"No Chromium at {CHROMIUM} (apt-get install chromium, or CHROME_PATH).")
    chosen = [p for p in PAGES if not args.pages or p[0] in args.pages.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    env = _env()
    binary = _lighthouse_bin()
    rows = []
    with servers.Processes(WORK) as procs:
        _demo(procs, env)
        shutil.rmtree(WORK / "static", ignore_errors=True)
        _manage(procs, "collectstatic", ["collectstatic", "--noinput", "-v0"], env)
        prepared = WORK / "prepared.json"
        code = procs.run(
            "prepare", [sys.executable, __file__, "--prepare", str(prepared)], env, 300
        )
        if code != 0:
            raise SystemExit(f"Preparing sessions failed; see {WORK / 'prepare.log'}")
        found = json.loads(prepared.read_text())
        _, port = procs.gunicorn(env, workers=2)
        for key, label, role in chosen:
            url = f"http://127.0.0.1:{port}{found['addresses'][key]}"
            runs = [
                _run_lighthouse(
                    binary, url, found["sessions"][role], WORK / f"{key}-{n}.json", args.save_assets
                )
                for n in range(args.runs)
            ]
            result = {"key": key, "label": label, "role": role, **_median_run(runs)}
            result["misses"] = _misses(result)
            result["all_runs"] = [
                {k: r[k] for k in ("performance", "tbt_ms", "lcp_ms")} for r in runs
            ]
            rows.append(result)
            print(f"{label:32} {role:8} perf {result['performance']:3}  TBT {result['tbt_ms']:5} ms"
                  f"  a11y {result['accessibility']:3}  bp {result['best_practices']:3}  "
                  + ("met" if not result["misses"] else "MISSED " + "; ".join(result["misses"])),
                  flush=True)  # fmt: skip
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "chromium": chromium.strip(),
        "runs": args.runs,
        "median_performance": statistics.median(r["performance"] for r in rows),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps({"meta": meta, "pages": rows}, indent=2))
    (RESULTS / "lighthouse.md").write_text(_markdown(rows, meta))
    print(f"Wrote {RESULTS / 'lighthouse.md'}")
    return 1 if any(r["misses"] for r in rows) else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        sys.path.insert(0, str(ROOT))
        prepare(Path(sys.argv[2]))
    else:
        sys.exit(main())
