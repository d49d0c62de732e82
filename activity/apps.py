from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"

    def ready(self):
        from accounts.signals import team_changed
        from core import admin_audit, area_panels, transition

        from .chain import canonical_data
        from .panels import timeline
        from .services import (
            activity_record,
            activity_record_team_change,
            admin_write_record,
            notifications_resolve,
        )

        # Writes made in the admin site are recorded on this trail (core.admin_audit).
        admin_audit.audit_trail_register(
            admin_audit.AuditTrail(record=admin_write_record, canonical=canonical_data)
        )

        # Moves made through core.transition are recorded here, and resolve what they close.
        transition.trail_register(
            transition.Trail(record=activity_record, resolve=notifications_resolve)
        )

        # Accounts announces team changes (invitations, joining, removal); the trail records them.
        team_changed.connect(activity_record_team_change, dispatch_uid="activity.team_changed")

        area_panels.register(
            area_panels.AreaPanel(
                name="timeline",
                heading="Timeline",
                heading_id="h-timeline",
                template="activity/_area_timeline.html",
                context=timeline,
            )
        )
