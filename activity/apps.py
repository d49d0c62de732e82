from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"

    def ready(self):
        from django.core import checks

        from core import area_panels

        from .admin_audit import check_admin_policies
        from .panels import timeline

        area_panels.register(
            area_panels.AreaPanel(
                name="timeline",
                heading="Timeline",
                heading_id="h-timeline",
                template="activity/_area_timeline.html",
                context=timeline,
            )
        )
        # Every model the admin site shows is read-only or audited (activity/admin_audit.py).
        checks.register(check_admin_policies, checks.Tags.admin)
