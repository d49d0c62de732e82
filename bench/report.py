"""Verdicts and tables from a benchmark run's results: `targets()` judges each of issue 13's
targets between the smallest and the largest size measured; `markdown()` writes latest.md."""

import pages as page_defs

KEY_PAGES = [p.key for p in page_defs.PAGES if p.kind == page_defs.PAGE]
EXPORTS = [p.key for p in page_defs.PAGES if p.kind == page_defs.EXPORT]
LABELS = {p.key: p.label for p in page_defs.PAGES}
EXPORT_GROWTH_SLACK_MB = 25
TARGETS = {
    "pages_queries_same_at_both_sizes": "Every key page: the same queries at both sizes",
    "pages_queries_at_most_15": "Every key page: at most 15 queries",
    "pages_p95_growth": "Every key page: p95 at the large size ≤ 1.5 × p95 at the small size",
    "pages_p50_vs_admin_changelist": "Every key page: p50 ≤ the admin changelist's p50 (large)",
    "metrics_aggregated_in_db": "Dashboard and programme metrics: rows read do not grow with areas",
    "long_lists_paged": "Long lists paged: page size at the large size ≤ 1.5 × the small size",
    "exports_streamed": "Exports: every one streamed (360Giving JSON included)",
    "exports_flat_memory": f"Exports: peak memory grows ≤ {EXPORT_GROWTH_SLACK_MB} MB with size",
    "exports_queries_flat": "Exports: queries do not grow with rows",
    "area_pdf_warm_seconds": "Area PDF < 1 s warm",
    "programme_pdf_seconds": "Programme PDF (large round) < 10 s",
    "programme_pdf_peak_mb": "Programme PDF (large round) < 300 MB",
    "crm_import_records_per_second": "CRM import ≥ 200 records/s at 10,000 records",
    "celery_two_workers_speedup": "Two Celery workers ≥ 1.6 × one",
}


def ends(results) -> tuple[dict, dict, int, int]:
    sizes = sorted(int(s) for s in results.get("sizes", {}))
    if not sizes:
        return {}, {}, 0, 0
    return results["sizes"][str(sizes[0])], results["sizes"][str(sizes[-1])], sizes[0], sizes[-1]


def entry(value, limit, met, **extra) -> dict:
    if value is None:
        return {"met": False, "value": None, "limit": limit, "note": "not measured in this run"}
    return {"met": bool(met), "value": value, "limit": limit, **extra}


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return round(a / b, 2)


def _per_page(small, big, keys, measure) -> dict:
    """measure(small_page, big_page) for each page measured at both sizes."""
    out = {}
    for key in keys:
        s, b = small.get("pages", {}).get(key), big.get("pages", {}).get(key)
        if s and b:
            value = measure(s, b)
            if value is not None:
                out[key] = value
    return out


def _worst(detail: dict, limit, better_low=True, **extra) -> dict:
    if not detail:
        return entry(None, limit, False)
    worst = max(detail.values()) if better_low else min(detail.values())
    missed = [k for k, v in detail.items() if (v > limit if better_low else v < limit)]
    return entry(worst, limit, not missed, missed=missed, pages=detail, **extra)


def page_targets(small, big) -> dict:
    admin = big.get("pages", {}).get("admin_areas", {}).get("p50_ms")
    return {
        "pages_queries_same_at_both_sizes": _worst(
            _per_page(small, big, KEY_PAGES, lambda s, b: abs(b["queries"] - s["queries"])), 0
        ),
        "pages_queries_at_most_15": _worst(
            _per_page(small, big, KEY_PAGES, lambda s, b: max(s["queries"], b["queries"])), 15
        ),
        "pages_p95_growth": _worst(
            _per_page(small, big, KEY_PAGES, lambda s, b: ratio(b.get("p95_ms"), s.get("p95_ms"))),
            1.5,
        ),
        "pages_p50_vs_admin_changelist": _worst(
            _per_page(small, big, KEY_PAGES, lambda s, b: ratio(b.get("p50_ms"), admin)),
            1.0,
            admin_p50_ms=admin,
        ),
        "long_lists_paged": _worst(
            _per_page(small, big, KEY_PAGES, lambda s, b: ratio(b["bytes"], s["bytes"])), 1.5
        ),
    }


def metrics_target(small, big) -> dict:
    detail = {}
    pm_s, pm_b = small.get("programme_metrics", {}), big.get("programme_metrics", {})
    if "rows" in pm_s and "rows" in pm_b:
        detail["round_metrics"] = ratio(pm_b["rows"], max(pm_s["rows"], 1))
    dash_s, dash_b = small.get("pages", {}).get("dashboard"), big.get("pages", {}).get("dashboard")
    if dash_s and dash_b:
        detail["dashboard"] = ratio(dash_b["rows"], max(dash_s["rows"], 1))
    return _worst(detail, 1.5, rows={"round_metrics": [pm_s.get("rows"), pm_b.get("rows")],
                                     "dashboard": [(dash_s or {}).get("rows"),
                                                   (dash_b or {}).get("rows")]})  # fmt: skip


def export_targets(small, big) -> dict:
    ex_s, ex_b = small.get("exports") or {}, big.get("exports") or {}
    pages_b = big.get("pages", {})
    streamed = {k: pages_b[k]["streaming"] for k in EXPORTS if k in pages_b}
    not_streamed = [k for k, v in streamed.items() if not v]
    growth = {
        k: round(ex_b[k]["growth_mb"] - ex_s[k]["growth_mb"], 1)
        for k in EXPORTS
        if "growth_mb" in ex_s.get(k, {}) and "growth_mb" in ex_b.get(k, {})
    }
    queries = _per_page(small, big, EXPORTS, lambda s, b: b["queries"] - s["queries"])
    return {
        "exports_streamed": entry(
            len(not_streamed) if streamed else None, 0, not not_streamed, missed=not_streamed
        ),
        "exports_flat_memory": _worst(growth, EXPORT_GROWTH_SLACK_MB),
        "exports_queries_flat": _worst(queries, 0),
    }


def document_targets(big) -> dict:
    area = (big.get("pdf") or {}).get("area", {})
    programme = (big.get("pdf") or {}).get("programme", {})
    return {
        "area_pdf_warm_seconds": entry(area.get("seconds"), 1.0, (area.get("seconds") or 0) < 1.0),
        "programme_pdf_seconds": entry(
            programme.get("seconds"), 10.0, (programme.get("seconds") or 0) < 10.0
        ),
        "programme_pdf_peak_mb": entry(
            programme.get("rss_peak_mb"), 300, (programme.get("rss_peak_mb") or 0) < 300
        ),
    }


def import_rate(found: dict) -> float | None:
    if found.get("finished"):
        return found.get("records_per_second")
    if found.get("done") and found.get("seconds"):
        return round(found["done"] / found["seconds"], 1)
    return None


def slow_work_targets(results, big) -> dict:
    imports = results.get("import") or {}
    largest = max(imports, key=int) if imports else None
    found = imports.get(largest, {}) if largest else {}
    rate = import_rate(found)
    note = {"records": int(largest)} if largest else {}
    if found and not found.get("finished"):
        note["note"] = "stopped at the time limit: rate from the records imported by then"
    celery = big.get("celery") or {}
    one = (celery.get("1") or {}).get("jobs_per_second")
    two = (celery.get("2") or {}).get("jobs_per_second")
    speedup = ratio(two, one)
    return {
        "crm_import_records_per_second": entry(rate, 200, (rate or 0) >= 200, **note),
        "celery_two_workers_speedup": entry(speedup, 1.6, (speedup or 0) >= 1.6),
    }


def targets(results) -> dict:
    small, big, n_small, n_big = ends(results)
    found = {}
    if n_small != n_big:
        found.update(page_targets(small, big))
        found["metrics_aggregated_in_db"] = metrics_target(small, big)
        found.update(export_targets(small, big))
    found.update(document_targets(big))
    found.update(slow_work_targets(results, big))
    _fail_on_errors(found, small, big)
    return {key: found.get(key, entry(None, None, False)) for key in TARGETS}


def failed_pages(*sizes) -> list[str]:
    """Pages that answered anything but 200 (a redirect to sign-in or two-factor, an error) at
    any size: their timings and query counts are of the wrong page."""
    return sorted(
        {
            key
            for size in sizes
            for key, page in size.get("pages", {}).items()
            if page.get("status", 200) != 200 or page.get("errors")
        }
    )


def _fail_on_errors(found: dict, small: dict, big: dict) -> None:
    """A target judged over pages is missed if any of those pages failed: a 302 to the sign-in
    page is fast and runs two queries, and must not read as a met target."""
    failed = failed_pages(small, big)
    for key, verdict in found.items():
        if failed and key.startswith(("pages_", "exports_", "long_lists", "metrics_")):
            verdict["met"] = False
            verdict["note"] = "pages failed: " + ", ".join(failed)


def summary(results) -> str:
    found = results.get("targets", {})
    met = [k for k, v in found.items() if v["met"]]
    missed = [k for k, v in found.items() if not v["met"]]
    lines = [f"Targets met: {len(met)} of {len(found)}."]
    lines += [
        f"  missed: {k} (value {found[k]['value']}, limit {found[k]['limit']})" for k in missed
    ]
    for n, size in sorted(results.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        failed = {k: p.get("status") for k, p in size.get("pages", {}).items()
                  if p.get("status") != 200 or p.get("errors")}  # fmt: skip
        if failed:
            lines.append(f"  pages that failed at {int(n):,} areas: {failed}")
    return "\n".join(lines)


def markdown(results) -> str:
    import report_md

    return report_md.render(results)
