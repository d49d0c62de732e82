"""latest.md: the run's tables in the shape of issue 13's, its verdicts, and the profiling hints
behind each miss."""

from report import EXPORTS, KEY_PAGES, LABELS, TARGETS, ends, import_rate, ratio


def fmt(value, unit="", digits=0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = f"{value:,.{digits}f}"
    else:
        text = str(value)
    return f"{text}{unit}"


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render(results) -> str:
    small, big, n_small, n_big = ends(results)
    meta = results.get("meta", {})
    out = [f"# Benchmark: {n_small:,} and {n_big:,} areas", ""]
    out += intro(meta, big)
    out += ["## Targets", ""] + targets_table(results.get("targets", {}))
    if small and big:
        out += ["## Pages", ""] + pages_table(small, big, n_small, n_big)
        out += ["## Exports", ""] + exports_table(small, big, n_small, n_big)
        out += ["## Documents, metrics and data", ""] + documents_table(results, n_small, n_big)
    out += ["## Slow work", ""] + slow_work(results, big)
    out += ["## Profiling hints for the misses", ""] + hints(results, big, n_big)
    return "\n".join(out).rstrip() + "\n"


def intro(meta, big) -> list[str]:
    config = meta.get("config", {})
    data = big.get("data", {})
    state = "complete" if meta.get("complete") else "**incomplete** (stopped early)"
    return [
        f"Run {state}, started {meta.get('started_utc', '?')} UTC, took "
        f"{fmt(meta.get('seconds'))} s, at commit {meta.get('commit', '?')}"
        + (" with uncommitted changes" if meta.get("uncommitted_changes") else "")
        + ".",
        f"Machine: {meta.get('cpus')} CPUs, load average {meta.get('load_average_start')} at the "
        f"start and {meta.get('load_average_end')} at the end (other work shares the machine: "
        "expect noise). PostgreSQL "
        f"{data.get('postgres', '?')} on the same machine, `jit` = {data.get('jit', '?')} as the "
        "app's connections see it.",
        f"Server: {meta.get('server')}, `{meta.get('settings')}`. Per page and size: up to "
        f"{config.get('requests')} requests at concurrency {config.get('concurrency')}, in "
        f"{config.get('repeats')} interleaved rounds (exports: one), at most "
        f"{config.get('page_seconds')} s per page; a page too slow for one wave of requests to "
        "fit its round gets one wave per round (`n` says how many were made); p50 and p95 are "
        "nearest-rank. Queries, "
        "rows read into Python and page size come from one request through the test Client "
        "in-process against the same database.",
        "",
    ]


def targets_table(found: dict) -> list[str]:
    rows = []
    for key, label in TARGETS.items():
        t = found.get(key, {})
        verdict = "met" if t.get("met") else "**missed**"
        detail = ", ".join(t.get("missed", [])[:6]) or t.get("note", "")
        value = t.get("value")
        shown = fmt(value, digits=0 if isinstance(value, int) else 2)
        limit = t.get("limit")
        rows.append([label, shown, "–" if limit is None else limit, verdict, detail])
    return table(["target", "value", "limit", "verdict", "missed by / note"], rows)


def pages_table(small, big, n_small, n_big) -> list[str]:
    admin = big["pages"].get("admin_areas", {}).get("p50_ms")
    k_s, k_b = f"{n_small // 1000}k" if n_small >= 1000 else n_small, f"{n_big // 1000}k"
    header = [
        "page", f"p50 {k_s}", f"p95 {k_s}", f"p50 {k_b}", f"p95 {k_b}", f"p95 {k_b} ÷ {k_s}",
        f"p50 ÷ admin at {k_b}", "queries", f"rows read {k_b}", f"KB {k_b}", f"n {k_b}",
    ]  # fmt: skip
    rows = []
    for key in ["healthz", "admin_areas", *KEY_PAGES, *EXPORTS]:
        s, b = small["pages"].get(key), big["pages"].get(key)
        if not (s and b):
            continue
        queries = (
            f"{s['queries']}"
            if s["queries"] == b["queries"]
            else f"{s['queries']} → {b['queries']}"
        )
        errors = f" ({b.get('errors')} errors: {b.get('first_error')})" if b.get("errors") else ""
        if b.get("status") != 200:
            errors += f" (HTTP {b.get('status')} in-process)"
        rows.append([
            LABELS[key], fmt(s.get("p50_ms"), " ms"), fmt(s.get("p95_ms"), " ms"),
            fmt(b.get("p50_ms"), " ms"), fmt(b.get("p95_ms"), " ms"),
            fmt(ratio(b.get("p95_ms"), s.get("p95_ms")), digits=1),
            fmt(ratio(b.get("p50_ms"), admin), digits=2), queries, fmt(b["rows"]),
            fmt(b["bytes"] / 1024), f"{fmt(b.get('n'))}{errors}",
        ])  # fmt: skip
    return table(header, rows)


def exports_table(small, big, n_small, n_big) -> list[str]:
    rows = []
    for key in EXPORTS:
        for n, size in ((n_small, small), (n_big, big)):
            e = (size.get("exports") or {}).get(key, {})
            page = size["pages"].get(key, {})
            rows.append([
                LABELS[key], f"{n:,}", fmt(e.get("seconds"), " s", 2), fmt(e.get("growth_mb"), " MB", 1),
                fmt(e.get("rss_peak_mb"), " MB", 1), fmt(page.get("queries")),
                "yes" if page.get("streaming") else "no", fmt((e.get("bytes") or 0) / 1024, " KB"),
                e.get("error", ""),
            ])  # fmt: skip
    header = ["export", "areas", "time (one, in-process)", "memory growth", "peak RSS",
              "queries", "streamed", "size", "error"]  # fmt: skip
    return table(header, rows)


def documents_table(results, n_small, n_big) -> list[str]:
    rows = []
    for n in (n_small, n_big):
        size = results["sizes"][str(n)]
        pdf = size.get("pdf") or {}
        area, programme = pdf.get("area", {}), pdf.get("programme", {})
        metrics = size.get("programme_metrics", {})
        data = size.get("data", {})
        rows.append([
            f"{n:,}", fmt(area.get("seconds"), " s", 2), fmt(programme.get("seconds"), " s", 2),
            fmt(programme.get("rss_peak_mb"), " MB"),
            f"{fmt(metrics.get('ms'), ' ms')}, {fmt(metrics.get('queries'))} queries, "
            f"{fmt(metrics.get('rows'))} rows",
            f"{fmt(data.get('total_rows'))} rows in {fmt(data.get('seconds'), ' s', 1)}",
        ])  # fmt: skip
    header = ["areas", "area PDF (warm, median)", "programme PDF", "programme PDF peak RSS",
              "round_metrics()", "data made (COPY)"]  # fmt: skip
    return table(header, rows)


def slow_work(results, big) -> list[str]:
    rows = []
    for n, found in sorted((results.get("import") or {}).items(), key=lambda kv: int(kv[0])):
        note = "" if found.get("finished") else "stopped at the time limit"
        rows.append([
            f"{int(n):,}", fmt(found.get("seconds"), " s", 1), fmt(import_rate(found), digits=1),
            fmt(found.get("again_seconds"), " s", 1), note or found.get("error", ""),
        ])  # fmt: skip
    out = table(["CRM records", "first import", "records/s", "same file again", "note"], rows)
    celery = big.get("celery") or {}
    rows = [
        [w, fmt(c.get("jobs")), fmt(c.get("seconds"), " s", 1), fmt(c.get("jobs_per_second"), digits=2),
         c.get("statuses", c.get("error", ""))]
        for w, c in sorted(celery.items())
    ]  # fmt: skip
    return out + table(["Celery workers", "area report jobs", "first asked to last done",
                        "jobs/s", "statuses"], rows)  # fmt: skip


def hints(results, big, n_big) -> list[str]:
    found = results.get("targets", {})
    missed_pages = []
    for key in found:
        for page in found[key].get("missed", []):
            if page in big.get("pages", {}) and page not in missed_pages:
                missed_pages.append(page)
    out = []
    for page in missed_pages:
        measure = big["pages"][page]
        h = measure.get("hints", {})
        out.append(f"**{LABELS.get(page, page)}** at {n_big:,} areas: {measure['queries']} "
                   f"queries, {fmt(measure['rows'])} rows read, {fmt(measure['bytes'] / 1024)} KB.")  # fmt: skip
        for r in h.get("repeated", []):
            out.append(f"- repeated {r['times']}×: `{r['sql'][:160]}`")
        for s in h.get("slowest", [])[:2]:
            out.append(f"- slowest ({s['ms']} ms in-process): `{s['sql'][:160]}`")
        plan = h.get("plan") or {}
        if plan.get("execution_ms"):
            scans = "; ".join(f"{s['table']} ({s['rows_read']:,} rows)" for s in plan["seq_scans"])
            out.append(f"- EXPLAIN ANALYZE of the slowest: {plan['execution_ms']} ms, of which JIT "
                       f"{plan['jit_ms']} ms; sequential scans: {scans or 'none large'}")  # fmt: skip
        out.append("")
    return out or ["No page missed a target.", ""]
