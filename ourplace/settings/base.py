"""Settings shared by every environment.

Everything is declared here and read from the environment (django-environ); the other modules only
override. The embedded defaults run on a laptop with no servers: SQLite and Celery's filesystem
broker under ``var/``. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and Redis.
"""

from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import environ

from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# True only under ourplace.settings.production: commands that would be dangerous on a real site
# (load_demo's known passwords) refuse, and deploy checks know where they run.
PRODUCTION = False
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_results",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_ratelimit",
    "core",
    "accounts",
    "programmes",
    "activity",
    "applications",
    "plans",
    "grants",
    "banking",
    "diligence",
    "support",
    "messaging",
    "delivery",
    "closure",
    "reports",
    "surveys",
    "earlywarning",
    "demo",
]

MIDDLEWARE = [
    # Health probes answer before any host check or https redirect (core/middleware.py).
    "core.middleware.ProbeMiddleware",
    # The request id and the one log line per request (core/logs.py).
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes turns a lockout signalled during sign-in into the lockout page; it goes last.
    "axes.middleware.AxesMiddleware",
]

# Pages carry no inline script or style (behaviour comes from static/js/ourplace.js through data
# attributes), so the policy allows only the site's own files. Django's admin site, which we do
# not template, keeps inline style attributes: CONTENT_SECURITY_POLICY_ADMIN relaxes only that.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY_ADMIN = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

ROOT_URLCONF = "ourplace.urls"
WSGI_APPLICATION = "ourplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The laptop default runs runserver and two worker processes on one SQLite file. WAL lets
    # readers work beside a writer; IMMEDIATE transactions take the write lock when they start
    # (so two writers queue instead of failing half-way with "database is locked"), and the
    # timeout makes them wait for it rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spent most of the dashboard's big query compiling it (441 of
    # 540 ms at 20,000 areas); the app's queries are short OLTP ones that never repay it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Staff hold money decisions and other people's data: 12 characters at least; lead organisation
# users 10 (above Django's 8, still easy to type on a phone). CommonPasswordValidator refuses the
# 20,000 commonest passwords; GuessablePasswordValidator also refuses those dressed up with digits,
# symbols or look-alike letters ("Password2024!", "p@ssw0rd123") and long runs of one character.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.RoleMinimumLengthValidator",
        "OPTIONS": {"staff_length": 12, "other_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.GuessablePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every sign-in first: 5 failures for one username from one address lock that
# pair out for 30 minutes (an admin can unlock sooner at /accounts/locked/). A lockout at the
# login page is shown as the login page with a message (accounts.views.locked_out).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Behind a proxy set AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER in production so
# the client's address (not the proxy's) is counted.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False

# Second factor (django-otp, TOTP with static recovery codes). Anyone may turn it on; with
# OTP_REQUIRED_FOR_STAFF programme managers, finance officers and admins must set it up before
# they reach any page. Production turns it on; laptops and tests leave it off.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
OTP_REQUIRED_ROLES = ["programme_manager", "finance_officer", "admin"]
OTP_TOTP_ISSUER = "Our Place"
# The admin site never shows a device's secret, its set-up QR code or recovery codes: whoever
# saw them could sign in as the device's owner (core/admin_audit.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff are signed out after this many minutes without a request; lead organisation users keep
# Django's two-week session.
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
# Where collectstatic writes (and nginx serves /static/ from, deploy/nginx/ourplace.conf).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Private storage (issue 22) ------------------------------------------------------------------
# Uploaded documents, offer letters, generated reports and import uploads are private: every file
# field keeps them in STORAGES["private"] (core/storage.py), never at a public URL, and they are
# only ever served by views that check the user may see the area they belong to. By default a
# folder, PRIVATE_STORAGE_ROOT; with AWS_STORAGE_BUCKET_NAME an S3-compatible bucket
# (django-storages), which web processes and workers on different machines all see.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")


def private_storage_backend(*, root: Path, bucket: str = "") -> dict:
    """The STORAGES entry for the private files: the bucket when one is named, else the folder.
    The S3 options come from AWS_* variables; without keys boto3 finds its own credentials
    (instance role, ~/.aws). Names are never overwritten (two reports with one name both stay) and
    objects get no public ACL (the bucket's policy keeps them private)."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        }
    options = {
        "bucket_name": bucket,
        "location": env("AWS_LOCATION", default=""),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env("AWS_S3_REGION_NAME", default="") or None,
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
    }
    for option, name in (
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ):
        if env(name, default=""):
            options[option] = env(name)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES["private"] = private_storage_backend(
    root=PRIVATE_STORAGE_ROOT, bucket=AWS_STORAGE_BUCKET_NAME
)
# --- end of private storage ----------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's renderer, with selects written without a template include per option (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.Renderer"

# --- Email (issue 22) ------------------------------------------------------------------------
# EMAIL_URL names the mail server with django-environ's schemes: smtp://user:password@host:25,
# smtp+tls://...:587 (STARTTLS), smtp+ssl://...:465, consolemail://, filemail:///path,
# memorymail://, dummymail://. Without it EMAIL_BACKEND (the console by default) is used, as
# before. Production refuses a backend whose mail never leaves the machine (production.py).
EMAIL_URL = env("EMAIL_URL", default="")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if EMAIL_URL:
    # Only what the URL says; Django's defaults stand for the rest (no user: no login).
    globals().update(
        {k: v for k, v in env.email_url_config(EMAIL_URL).items() if v not in (None, "")}
    )
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Our Place <noreply@ourplace.local>")
# Errors (500s) are emailed to ADMINS from SERVER_EMAIL: "Name <a@b>, Other <c@d>" or bare
# addresses. Empty: nobody is emailed.
ADMINS = [
    (name or address, address)
    for name, address in getaddresses([env("ADMINS", default="")])
    if address
]
MANAGERS = ADMINS
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Backends whose mail never reaches a person; production starts on one only when told to.
EMAIL_BACKENDS_KEPT_LOCAL = [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
]
EMAIL_ALLOW_CONSOLE = env.bool("EMAIL_ALLOW_CONSOLE", default=False)
# --- end of email ------------------------------------------------------------------------------


def filesystem_broker_options(folder: Path) -> dict:
    """Kombu filesystem-transport options keeping every file under `folder` (created here, since
    Kombu does not create parent folders)."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        # Without this Kombu keeps its broadcast exchanges in ./control of the working directory.
        "control_folder": str(folder / "control"),
    }


# Django's cache: each process's memory unless CACHE_URL names a shared one (redis://host:6379/2;
# not the Celery broker's database). The reports keep round figures in it (reports/freshness.py)
# for at most REPORTS_CACHE_SECONDS (0: count them on every view); a change to the data makes the
# next view count again whatever this says.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
REPORTS_CACHE_SECONDS = env.int("REPORTS_CACHE_SECONDS", default=600)

# Rate limits (core/ratelimits.py, django-ratelimit) on what emails or notifies other people, as
# "count/period" (period s, m, h or d, with an optional multiple: "30/10m"). Per address counts the
# email address asked for, per account the signed-in user, per IP the client's address as
# django-axes reads it. A limited request gets its form back with the reason (HTTP 429).
RATE_LIMITS = {
    "password_reset_address": env("RATE_LIMIT_PASSWORD_RESET_ADDRESS", default="5/h"),
    "password_reset_ip": env("RATE_LIMIT_PASSWORD_RESET_IP", default="20/h"),
    "invitation_account": env("RATE_LIMIT_INVITATION_ACCOUNT", default="30/h"),
    "invitation_address": env("RATE_LIMIT_INVITATION_ADDRESS", default="5/h"),
    "message_account": env("RATE_LIMIT_MESSAGE_ACCOUNT", default="30/10m"),
    "survey_link_account": env("RATE_LIMIT_SURVEY_LINK_ACCOUNT", default="100/h"),
    "survey_link_address": env("RATE_LIMIT_SURVEY_LINK_ADDRESS", default="5/h"),
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "core.ratelimits.client_ip"
SILENCED_SYSTEM_CHECKS: list[str] = []
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # Without CACHE_URL each process keeps its own counts: right for `make run` and the tests (one
    # process); under N worker processes a limit can be reached up to N times over, so set
    # CACHE_URL to a shared cache (Redis) where the site runs several.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's own Redis cache adds and increments atomically (SET NX, INCRBY); django-ratelimit's
    # list of supported backends predates it and names only django-redis.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]

# Celery: Redis when REDIS_URL is set, otherwise Kombu's filesystem transport under var/broker/,
# so `make run` needs no servers. Results are stored in the database (django-celery-results).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "broker"

# Background jobs (reports, imports): a running job whose worker has shown no sign of life for
# JOB_STALL_MINUTES is sent again by a beat task (every JOB_STALL_SWEEP_SECONDS), at most
# JOB_MAX_ATTEMPTS times in all; then it fails with the reason and a person can retry it.
# Exports (areas list, 360Giving) with more rows than this are made by a worker and downloaded
# from their job page; smaller ones stream straight from the export URL (reports/exports/jobs.py).
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=2000)
JOB_STALL_MINUTES = env.float("JOB_STALL_MINUTES", default=5)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_STALL_SWEEP_SECONDS = env.float("JOB_STALL_SWEEP_SECONDS", default=60)
# The outbox (core/outbox.py): a message the broker took but no worker has run within
# OUTBOX_CONFIRM_MINUTES (the broker lost it) is sent again by the sweep, at most OUTBOX_MAX_SENDS
# times in all; then it is marked failed for the admin to see.
OUTBOX_CONFIRM_MINUTES = env.float("OUTBOX_CONFIRM_MINUTES", default=15)
OUTBOX_MAX_SENDS = env.int("OUTBOX_MAX_SENDS", default=5)
# The longest each task may run: a soft limit (the task is told and fails the job with a reason),
# then a hard one (its process is killed and the stall sweep takes over). Seconds.
JOB_TIME_LIMITS = {
    "reports.tasks.report_generate": (env.int("REPORT_SOFT_TIME_LIMIT", default=900), 1200),
    "reports.tasks.records_import_job": (env.int("IMPORT_SOFT_TIME_LIMIT", default=3000), 3600),
    "reports.tasks.export_generate": (env.int("EXPORT_SOFT_TIME_LIMIT", default=900), 1200),
    "activity.tasks.notifications_email": (120, 180),
    "activity.tasks.notifications_digest_daily": (120, 180),
    "activity.tasks.notifications_digest_send": (120, 180),
    "core.tasks.outbox_dispatch_pending": (120, 180),
    "reports.tasks.jobs_requeue_stalled": (120, 180),
    "reports.tasks.programme_reports_monthly": (300, 420),
    "accounts.tasks.invitation_email": (120, 180),
    "surveys.tasks.invitation_email": (120, 180),
    "surveys.tasks.surveys_daily": (600, 900),
    "delivery.tasks.returns_daily": (600, 900),
    "plans.tasks.milestone_reminders": (600, 900),
    # Early warning: one round after its areas' inputs changed; every live round each night.
    "earlywarning.tasks.round_warnings_refresh": (300, 420),
    "earlywarning.tasks.warnings_nightly": (600, 900),
    "core.tasks.health_heartbeat": (20, 30),
    "core.tasks.prune_nightly": (900, 1200),
    # A soft limit reached mid-backup removes the partial archive (core/backups.py).
    "core.tasks.backup_nightly": (env.int("BACKUP_SOFT_TIME_LIMIT", default=3600), 3900),
}
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": soft, "time_limit": max(hard, soft + 60)}
    for name, (soft, hard) in JOB_TIME_LIMITS.items()
}
# An unacknowledged message is given to another worker after this long, so it must be longer than
# the longest job allowed (the import's hard limit), or a long job would run twice.
BROKER_VISIBILITY_TIMEOUT = max(limits["time_limit"] for limits in CELERY_TASK_ANNOTATIONS.values())
BROKER_VISIBILITY_TIMEOUT += 1800
# --- Health (issue 22) -------------------------------------------------------------------------
# Readiness (/readyz, `manage.py health`, core/health.py) fails when no worker heartbeat (every
# 30 s, HEALTH_WORKER_HEARTBEAT_SECONDS, read by ourplace/celery.py) or beat tick (at least every
# minute) has been seen for this many seconds.
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=180)
HEALTH_BEAT_STALE_SECONDS = env.int("HEALTH_BEAT_STALE_SECONDS", default=300)
# --- end of health -----------------------------------------------------------------------------
# Which queue tasks go to (the worker tests give each worker a queue of its own).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # Publishing gives up after one quick retry when Redis is unreachable (the default tries
        # for about 6 s): requests hand work to the outbox (core/outbox.py), which sends it later.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
else:
    # The filesystem transport ignores the host; naming one keeps Kombu from warning "No hostname
    # was supplied" on every start (a newcomer's first `make run` should print no false alarm).
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_DIR)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
# Acknowledged when done, so a task whose worker dies is delivered again. Every task is safe to
# run twice: jobs are claimed with a compare-and-set on their row, emails skip what was sent.
CELERY_TASK_ACKS_LATE = True
# Put back in the queue when the worker process dies mid-task only where the claim makes that
# safe (the job tasks set it themselves): a task that crashes its worker would otherwise loop.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs; apps add theirs in ourplace/celery.py so the schedule is in one place.
CELERY_BEAT_SCHEDULE: dict = {}
# Exactly one beat sends them (core/beat.py): the scheduler holds a lock, in Redis under
# BEAT_LOCK_KEY (renewed every tick, expiring BEAT_LOCK_TTL_SECONDS after its beat dies), or a file
# lock in the broker folder without Redis; a second beat stands by and sends nothing.
CELERY_BEAT_SCHEDULER = "core.beat:SingleBeatScheduler"
BEAT_LOCK_KEY = env("BEAT_LOCK_KEY", default="ourplace:beat-lock")
BEAT_LOCK_TTL_SECONDS = env.float("BEAT_LOCK_TTL_SECONDS", default=60)

# The 360Giving publisher prefix for grant identifiers (360G-<prefix>-<award id>).
THREESIXTYGIVING_PREFIX = env("THREESIXTYGIVING_PREFIX", default="ourplace")
# Site address used in emails and exports.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How long the emailed link of an invitation to join an organisation's team works.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# --- Logging and error reporting (issue 22) --------------------------------------------------
# One line per request and per Celery task, with the request id (the proxy's X-Request-ID or a
# new one, returned in the response) and task id on every line (core/logs.py). LOG_FORMAT is
# "text" for people reading a terminal, "json" (production's default) for a log collector.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# The worker logs through LOGGING too, instead of replacing the root handler with its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Errors (with their stack and request, never personal data: no user details, cookies or bodies)
# go to Sentry when SENTRY_DSN is set; nothing is sent, or even loaded, otherwise.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Prometheus metrics (core/metrics.py) when METRICS_TOKEN is set: `/metrics` answers a scraper
# sending `Authorization: Bearer <METRICS_TOKEN>`, with django-prometheus's request series and the
# deployment's own (queue depth, background jobs by status, outbox, heartbeats). METRICS_QUEUES
# lists the Celery queues to measure (default: the one tasks go to).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_QUEUES = env.list("METRICS_QUEUES", default=[])


def with_metrics_middleware(middleware: list[str]) -> list[str]:
    """MIDDLEWARE with django-prometheus's pair around everything after the probes (so neither
    the probes nor the scrape itself count as traffic)."""
    probe = middleware.index("core.middleware.ProbeMiddleware") + 1
    return [
        *middleware[:probe],
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *middleware[probe:],
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]


if METRICS_TOKEN:
    MIDDLEWARE = with_metrics_middleware(MIDDLEWARE)
# --- end of logging ----------------------------------------------------------------------------

# --- Backups and retention (issue 22) --------------------------------------------------------
# `make backup` / `manage.py database_backup` (core/backups.py), also run nightly by beat: one
# archive of the database and every private file, written to BACKUP_DIR (mode 0600), encrypted
# with BACKUP_KEY (any long passphrase; keep a copy of it somewhere other than the backups: an
# archive cannot be restored without it). Without BACKUP_KEY the archive is written unencrypted
# with a warning where BACKUP_ALLOW_UNENCRYPTED (the laptop default); production refuses. The
# newest BACKUP_KEEP dated archives are kept. Copy BACKUP_DIR off the machine.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEY = env("BACKUP_KEY", default="")
BACKUP_ALLOW_UNENCRYPTED = env.bool("BACKUP_ALLOW_UNENCRYPTED", default=True)
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
# How many days each kind of record is kept once it is finished with; `manage.py prune` and the
# nightly beat task delete what is older (core/retention.py). 0 keeps nothing past its end.
# sessions: after the session expired; outbox: after a worker confirmed the work (failed rows are
# kept for the admin); reports: generated PDFs and their jobs after they finished (the monthly
# scheduled reports are the programme's record and are kept); imports: the uploaded file of a
# finished import (the job and its summary stay); notifications: after being read or resolved;
# signin_attempts: django-axes' sign-in attempts and access logs.
RETENTION = {
    "sessions": env.int("RETENTION_SESSIONS_DAYS", default=0),
    "outbox": env.int("RETENTION_OUTBOX_DAYS", default=30),
    "reports": env.int("RETENTION_REPORTS_DAYS", default=90),
    "imports": env.int("RETENTION_IMPORTS_DAYS", default=90),
    # Large exports made in the background: people download them the same day.
    "exports": env.int("RETENTION_EXPORTS_DAYS", default=7),
    "notifications": env.int("RETENTION_NOTIFICATIONS_DAYS", default=180),
    "signin_attempts": env.int("RETENTION_SIGNIN_ATTEMPTS_DAYS", default=90),
    # My work snoozes, once their day has come (the item is back; dismissals are kept).
    "snoozes": env.int("RETENTION_SNOOZES_DAYS", default=0),
}
# --- end of backups and retention ------------------------------------------------------------
