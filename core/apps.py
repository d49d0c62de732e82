from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared core"

    def ready(self):
        from . import ratelimits  # noqa: F401  (registers the check of RATE_LIMITS)
