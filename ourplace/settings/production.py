"""Production settings: refuse to start without the secrets and hosts a real deployment needs."""

from django.core.exceptions import ImproperlyConfigured

from core.logs import logging_config

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    EMAIL_ALLOW_CONSOLE,
    EMAIL_BACKEND,
    EMAIL_BACKENDS_KEPT_LOCAL,
    LOG_LEVEL,
    STORAGES,
    env,
)

DEBUG = False
PRODUCTION = True


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


SECRET_KEY = _required("SECRET_KEY")
_required("DATABASE_URL")
# base.py has read DATABASE_URL (with its connection options); production keeps connections open.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
ALLOWED_HOSTS = [h for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP (ProbeMiddleware answers first anyway; this keeps it so if
# the middleware order ever changes).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A year of HSTS for the site and its subdomains, eligible for browsers' preload lists.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Staff who approve money or run the site need a second factor in production.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)

# Backups: an unencrypted archive is refused unless explicitly accepted (set BACKUP_KEY).
BACKUP_ALLOW_UNENCRYPTED = env.bool("BACKUP_ALLOW_UNENCRYPTED", default=False)

# --- Email (issue 22) ------------------------------------------------------------------------
# Password resets, invitations and notifications must reach people: refuse to start on a backend
# that keeps mail on this machine unless EMAIL_ALLOW_CONSOLE says that is meant (a trial site).
if EMAIL_BACKEND in EMAIL_BACKENDS_KEPT_LOCAL and not EMAIL_ALLOW_CONSOLE:
    raise ImproperlyConfigured(
        f"EMAIL_URL must name a mail server in production (the backend is {EMAIL_BACKEND}, "
        "whose mail never leaves this machine); set EMAIL_ALLOW_CONSOLE=true to allow it."
    )
# --- end of email ------------------------------------------------------------------------------

# --- Logging (issue 22) ------------------------------------------------------------------------
# JSON lines for the log collector unless LOG_FORMAT says otherwise (core/logs.py).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# --- end of logging ----------------------------------------------------------------------------

# --- Static files (issue 22) -------------------------------------------------------------------
# Content-hashed names (collectstatic writes a manifest), which WhiteNoise serves with a year's
# cache headers; only the staticfiles entry is ours, the private storage is declared elsewhere.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
# --- end of static files -----------------------------------------------------------------------
