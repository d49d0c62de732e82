"""prod-check's last step (deploy/prod_check.py): Prometheus's `/metrics` on the running stack.
Kept apart from the stack's own steps; a failure raises with what was seen, and prod-check
reports it as the step's FAIL line."""

import requests
from prometheus_client.parser import text_string_to_metric_families


class MetricsCheckFailed(Exception):
    pass


def _metric(text: str, name: str, **labels) -> float | None:
    """One sample's value in a Prometheus text answer (None when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def metrics_check(
    *, token: str, web1: str, nginx_http: str, nginx_https: str, web, host: str
) -> str:
    """/metrics: refused without the token, not on the public https site, answered over plain
    HTTP from here through nginx, and one gunicorn's answer counts the requests all its workers
    served (their shared PROMETHEUS_MULTIPROC_DIR)."""
    auth = {"Authorization": f"Bearer {token}", "Host": host}
    if (
        r := requests.get(f"{nginx_http}/metrics", headers={"Host": host}, timeout=10)
    ).status_code != 401:
        raise MetricsCheckFailed(f"/metrics without the token answered {r.status_code}, not 401")
    if (r := web.get(f"{nginx_https}/metrics", headers=auth, timeout=10)).status_code != 404:
        raise MetricsCheckFailed(f"https /metrics answered {r.status_code}, not 404")
    # Counted as a request arrives, whatever answers it (here SecurityMiddleware's redirect to
    # https: the request came straight to gunicorn, not through nginx).
    requests_total = "django_http_requests_before_middlewares_total"
    before = requests.get(f"{web1}/metrics", headers=auth, timeout=10)
    served = 8
    for _ in range(served):
        requests.get(f"{web1}/privacy/", headers={"Host": host}, timeout=10, allow_redirects=False)
    after = requests.get(f"{web1}/metrics", headers=auth, timeout=10)
    counted = (_metric(after.text, requests_total) or 0) - (
        _metric(before.text, requests_total) or 0
    )
    if counted != served:
        lines = [x for x in after.text.splitlines() if x.startswith("django_http_requests_")]
        raise MetricsCheckFailed(
            f"{served} requests to one gunicorn, its /metrics counted {counted} "
            f"(answered {after.status_code}: {lines[:6] or after.text[:300]})"
        )
    scraped = requests.get(f"{nginx_http}/metrics", headers=auth, timeout=10)
    if scraped.status_code != 200:
        raise MetricsCheckFailed(f"/metrics through nginx answered {scraped.status_code}")
    wanted = {
        "broker up": _metric(scraped.text, "ourplace_broker_up"),
        "queue depth": _metric(scraped.text, "ourplace_queue_depth", queue="celery"),
        "worker heartbeat age": _metric(
            scraped.text, "ourplace_heartbeat_age_seconds", process="worker"
        ),
        "report jobs succeeded": _metric(
            scraped.text, "ourplace_background_jobs", kind="report", status="succeeded"
        ),
    }
    missing = [k for k, v in wanted.items() if v is None]
    if missing or wanted["broker up"] != 1 or not wanted["report jobs succeeded"]:
        raise MetricsCheckFailed(f"/metrics: {wanted}")
    return (
        f"401 without the token, 404 on https; {served} GETs to one gunicorn counted {counted:.0f}; "
        + ", ".join(f"{k} {v:g}" for k, v in wanted.items())
    )
