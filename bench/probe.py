"""The Django side of the benchmark: each subcommand runs in its own process (so peak memory is
that one job's), against the database and settings `run.py` puts in the environment, and writes
its findings as JSON to --out.

    probe.py prepare --areas N --out F     make the data, VACUUM ANALYZE, log the users in
    probe.py queries --pages F --out F     queries, rows read and bytes per page (test Client)
    probe.py export KEY --out F            one export's time and peak memory
    probe.py pdf area|programme --out F    PDF render time (warm) and peak memory
    probe.py jobs --workers W --count N    report jobs through real Celery workers
    probe.py import --records N --out F    the CRM import's records a second
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.production")

import pages as page_defs  # noqa: E402
import sql_hints  # noqa: E402


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def client_for(role):
    from django.test import Client

    from accounts.models import User

    # A page that fails answers 500 here, as it would to a browser, instead of stopping the run.
    client = Client(raise_request_exception=False)
    if role:
        user = User.objects.get(username=page_defs.ROLES[role])
        client.force_login(user)
        _second_factor_verified(client, user)
    return client


def _second_factor_verified(client, user):
    """Production settings make managers and admins use a second factor: give the session what a
    sign-in with an authenticator app leaves in it (a confirmed device, verified for this session),
    so the pages measured are the pages, not the redirect to /account/two-factor/."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import SESSION_HAS_DEVICE

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_HAS_DEVICE] = True
    session.save()


def read_to_end(response) -> int:
    """Read the response to its last byte, as a browser would, and return its length. A streamed
    body is read chunk by chunk and not kept: joining it would hold the whole download in this
    process, and the export probe would then measure its own buffer (twice the body's size at its
    peak: the list of chunks and the joined copy) rather than the app's memory."""
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


# prepare -----------------------------------------------------------------------------------------


def prepare(args) -> dict:
    import make_data
    from django.db import connection

    made = make_data.make(args.areas)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # What autovacuum does to a production database after a bulk load: statistics for the
        # planner and the visibility map that lets index-only scans skip the table (ANALYZE alone
        # left every page "not all-visible", so those scans read the heap too).
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    sessions = {}
    for role in page_defs.ROLES:
        client = client_for(role)
        sessions[role] = client.cookies["sessionid"].value
    made.pop("round")
    return {
        **made,
        "analyze_seconds": round(time.perf_counter() - started, 1),
        "jit": jit,
        "postgres": version,
        "sessions": sessions,
        "values": {
            "round": made["round_slug"],
            "theme": made["theme"],
            "search": made["search"],
            "common": made["common"],
            "rich": made["samples"].get("rich", made["samples"]["report_areas"][0]),
        },
    }


# queries -----------------------------------------------------------------------------------------


def find_url(name: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for namespace in ("", "accounts:", "programmes:", "support:", "reports:", "applications:",
                      "plans:", "grants:", "delivery:", "activity:", "core:"):  # fmt: skip
        try:
            return reverse(namespace + name)
        except NoReverseMatch:
            continue
    return None


def resolved_pages(values: dict) -> list[dict]:
    """The pages with their paths filled in; pages whose URL does not exist yet are left out."""
    out = []
    for page in page_defs.PAGES:
        path = find_url(page.url_name) if page.url_name else page.url(values)
        if path:
            out.append({"key": page.key, "path": path, "role": page.role, "kind": page.kind,
                        "htmx": page.htmx})  # fmt: skip
    return out


def queries(args) -> dict:
    from django.db import connection

    values = json.loads(Path(args.values).read_text())
    found = {"pages": resolved_pages(values), "measures": {}}
    clients = {}
    for page in found["pages"]:
        role = page["role"]
        if role not in clients:
            clients[role] = client_for(role)
        client = clients[role]
        headers = {"HX-Request": "true"} if page.get("htmx") else {}
        read_to_end(client.get(page["path"], headers=headers))  # warm: templates, caches, imports
        with sql_hints.Recorder(connection) as rec:
            started = time.perf_counter()
            response = client.get(page["path"], headers=headers)
            size = read_to_end(response)
            took = time.perf_counter() - started
        found["measures"][page["key"]] = {
            "status": response.status_code,
            "ms": round(took * 1000, 1),
            "queries": len(rec.queries),
            "rows": rec.rows,
            "bytes": size,
            "streaming": bool(getattr(response, "streaming", False)),
            "hints": rec.hints(explain=args.explain),
        }
    found["programme_metrics"] = programme_metrics(values["round"])
    return found


def programme_metrics(round_slug: str) -> dict:
    """The dashboard's and programme report's numbers on their own: queries and rows read. Rows
    that grow with the round mean a per-area Python loop rather than aggregation in SQL."""
    from django.db import connection

    from programmes.models import Round

    try:
        from reports.metrics import round_metrics
    except ImportError as exc:
        return {"error": f"reports.metrics.round_metrics is gone ({exc})"}
    rnd = Round.objects.get(slug=round_slug)
    round_metrics(rnd)
    with sql_hints.Recorder(connection) as rec:
        started = time.perf_counter()
        round_metrics(rnd)
        took = time.perf_counter() - started
    return {"ms": round(took * 1000, 1), "queries": len(rec.queries), "rows": rec.rows}


# export, pdf -------------------------------------------------------------------------------------


def export(args) -> dict:
    import openpyxl  # noqa: F401  (loaded before the baseline: a worker has it loaded already)

    import reports.exports  # noqa: F401
    import reports.exports.threesixtygiving  # noqa: F401

    page = page_defs.by_key()[args.key]
    client = client_for(page.role)
    client.get("/healthz")
    before = rss_mb()
    started = time.perf_counter()
    response = client.get(page.path)
    size = read_to_end(response)
    took = time.perf_counter() - started
    peak = rss_mb()
    return {
        "status": response.status_code,
        "seconds": round(took, 2),
        "bytes": size,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "growth_mb": round(peak - before, 1),
    }


def pdf(args) -> dict:
    from programmes.models import Area, Round
    from reports.models import ReportKind
    from reports.rendering import report_pdf
    from reports.sections import ReportContext

    values = json.loads(Path(args.values).read_text())
    area = Area.objects.select_related("round").get(reference=values["rich"])
    area_ctx = ReportContext(kind=ReportKind.AREA_PROGRESS, area=area)
    started = time.perf_counter()
    report_pdf(area_ctx)  # the first render in a process loads fonts; a worker pays that once
    cold = time.perf_counter() - started
    before = rss_mb()
    if args.kind == "area":
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            size = len(report_pdf(area_ctx))
            times.append(time.perf_counter() - started)
        took = statistics.median(times)
    else:
        ctx = ReportContext(
            kind=ReportKind.PROGRAMME, round=Round.objects.get(slug=values["round"])
        )
        started = time.perf_counter()
        size = len(report_pdf(ctx))
        took = time.perf_counter() - started
    return {
        "seconds": round(took, 2),
        "cold_first_area_seconds": round(cold, 2),
        "bytes": size,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
        "growth_mb": round(rss_mb() - before, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--areas", type=int, required=True)
    p = sub.add_parser("queries")
    p.add_argument("--values", required=True)
    p.add_argument("--explain", action="store_true")
    p = sub.add_parser("export")
    p.add_argument("key")
    p = sub.add_parser("pdf")
    p.add_argument("kind", choices=["area", "programme"])
    p.add_argument("--values", required=True)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("jobs")
    p.add_argument("--values", required=True)
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--count", type=int, default=32)
    p.add_argument("--timeout", type=float, default=600)
    p = sub.add_parser("import")
    p.add_argument("--records", type=int, required=True)
    for p in sub.choices.values():
        p.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    if args.command in ("jobs", "import"):
        import probe_jobs

        run = {"jobs": probe_jobs.jobs, "import": probe_jobs.records}[args.command]
    else:
        run = {"prepare": prepare, "queries": queries, "export": export, "pdf": pdf}[args.command]
    if args.command == "import":
        run(args)  # writes its own progress and result to --out as it goes
        return
    result = run(args)
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
