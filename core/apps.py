from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared core"

    def ready(self):
        from django.core import checks

        from . import checks as deploy_checks  # noqa: F401  (registers the deploy checks)
        from . import ratelimits  # noqa: F401  (registers the check of RATE_LIMITS)
        from .admin_audit import check_admin_policies

        # Every model the admin site shows is read-only or audited (core/admin_audit.py).
        checks.register(check_admin_policies, checks.Tags.admin)

        # The retention schedule's own kinds (settings.RETENTION; core/retention.py).
        from .retention import register_core_pruners

        register_core_pruners()

        # Production without BACKUP_KEY would fail every nightly backup (core/backups.py).
        from .backups import check_backup_key

        checks.register(check_backup_key, deploy=True)
