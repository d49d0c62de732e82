"""gunicorn's settings for the site: `gunicorn -c deploy/gunicorn.conf.py ourplace.wsgi:application`.

Everything a deployment changes comes from the environment (the same EnvironmentFile as Django's
settings): GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS, and METRICS_TOKEN (Prometheus, core/metrics.py).
"""

import multiprocessing
import os
import shutil
import tempfile

# Where nginx sends requests: a loopback port by default, or unix:/run/ourplace/gunicorn.sock.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Processes times threads is how many requests run at once; PDFs are made by the Celery worker,
# so requests are short and mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# nginx gives up on a request after 60 s (proxy_read_timeout); gunicorn stops a stuck worker then.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Only the proxy on this machine may say a request came over https (X-Forwarded-Proto), which
# Django trusts through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app writes one JSON line per request with its request id (core/logs.py): no access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
capture_output = False
# Worker heartbeats on a RAM disk: a slow /tmp (a container's overlay) makes gunicorn think
# workers are stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# A worker is replaced after this many requests (plus jitter), so a slow leak never grows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
proc_name = "ourplace-web"

# Prometheus (core/metrics.py): with METRICS_TOKEN set, every worker writes its request series to
# one folder, so whichever worker answers /metrics reports them all. The folder is this server's
# own (PROMETHEUS_MULTIPROC_DIR, or a new temporary one), emptied when it starts and forgotten
# worker by worker as they are replaced. Set here, before any worker imports prometheus_client.
_made_metrics_dir = None
if os.environ.get("METRICS_TOKEN") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made_metrics_dir = tempfile.mkdtemp(prefix="ourplace-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_metrics_dir


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder and os.environ.get("METRICS_TOKEN"):
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and os.environ.get("METRICS_TOKEN"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir, ignore_errors=True)
