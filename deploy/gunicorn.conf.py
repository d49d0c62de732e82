"""gunicorn's settings for the site: `gunicorn -c deploy/gunicorn.conf.py ourplace.wsgi:application`.

Everything a deployment changes comes from the environment (the same EnvironmentFile as Django's
settings): GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

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
