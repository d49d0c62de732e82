from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared core"

    def ready(self):
        from django.core import checks

        from .admin_audit import check_admin_policies

        # Every model the admin site shows is read-only or audited (core/admin_audit.py).
        checks.register(check_admin_policies, checks.Tags.admin)
