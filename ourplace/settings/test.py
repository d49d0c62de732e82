"""Settings for pytest: fast hashing, in-memory email, private files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_STORAGE_ROOT = Path(
    env("PRIVATE_STORAGE_ROOT", default=tempfile.mkdtemp(prefix="ourplace-"))
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
    CELERY_BROKER_DIR = VAR_DIR / "broker-test"  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)  # noqa: F405

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
