"""Laptop settings for `make run`: everything embedded under var/. Debug is off unless
DJANGO_DEBUG=on, so people trying the site see the styled 404/403/500 pages, not Django's
technical ones; WhiteNoise serves the static files from the app folders without collectstatic."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
for sub in ("private",):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
# WhiteNoise serves from the app folders here; an empty STATIC_ROOT under var/ keeps it from
# warning "No directory at: .../staticfiles/" on every start.
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
