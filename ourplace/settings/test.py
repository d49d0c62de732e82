"""Settings for pytest: fast hashing, in-memory email, private files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# pytest-xdist runs the suite in several processes (gw0, gw1, ...). Each has a database of its own
# (pytest-django names it test_<name>_gw0) and, from here, its own private files, broker folder and
# Redis keys, so two processes never read each other's files or take each other's messages. The
# Celery workers the worker tests start inherit PYTEST_XDIST_WORKER, so they read the same ones.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")


def per_xdist_worker(path: Path) -> Path:
    """`path` with the xdist worker's name added (once: a worker started by a test is handed the
    path already suffixed, and has the same PYTEST_XDIST_WORKER)."""
    suffix = f"-{XDIST_WORKER}"
    if not XDIST_WORKER or path.name.endswith(suffix):
        return path
    return path.with_name(path.name + suffix)


# Private files in a temporary folder of this process's own, unless the environment names one (as
# the worker tests do for the workers they start).
PRIVATE_STORAGE_ROOT = (
    per_xdist_worker(Path(env("PRIVATE_STORAGE_ROOT")))
    if env("PRIVATE_STORAGE_ROOT", default="")
    else Path(
        tempfile.mkdtemp(prefix="ourplace-", suffix=f"-{XDIST_WORKER}" if XDIST_WORKER else "")
    )
)
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Always the temporary folder, whatever AWS_STORAGE_BUCKET_NAME says: the S3 tests point
    # "private" at their own bucket on a local S3 server (conftest.py's s3_private_storage).
    "private": private_storage_backend(root=PRIVATE_STORAGE_ROOT),  # noqa: F405
}
# Tests that need a real worker start one (reports/tests/test_worker.py); others call task
# functions directly or set CELERY_TASK_ALWAYS_EAGER with the `settings` fixture.

# Without Redis, tests get a filesystem broker folder of their own, so a development worker
# (`make run`) never takes a message sent by a test, and the worker test's worker (started with
# these settings) reads the folder its test writes to.
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_DIR = per_xdist_worker(VAR_DIR / "broker-test")  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)  # noqa: F405
elif XDIST_WORKER:
    # One Redis database, keys apart: every key Kombu writes (queues, unacked messages, broadcast
    # exchanges) starts with the worker's name.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "global_keyprefix": f"test-{XDIST_WORKER}:",
    }
if XDIST_WORKER:
    # Each process's beats (the worker tests') take a beat lock of their own.
    BEAT_LOCK_KEY = f"test-{XDIST_WORKER}:{BEAT_LOCK_KEY}"  # noqa: F405
    # A shared cache (CACHE_URL) keeps each process's entries apart too.
    CACHES["default"]["KEY_PREFIX"] = f"test-{XDIST_WORKER}"  # noqa: F405

# Round figures are counted afresh on every view unless a test turns the cache on with the
# `settings` fixture (reports/tests/test_freshness.py).
REPORTS_CACHE_SECONDS = 0

# Serve static files from the app folders (no collectstatic in tests) and don't warn that
# STATIC_ROOT is missing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Worker fault tests only: a report that kills its worker process (reports.jobs.report_jobs), to
# show the attempts cap ending it.
REPORTS_TEST_CRASH_WORKER = env.bool("REPORTS_TEST_CRASH_WORKER", default=False)
