from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"

    def ready(self):
        from accounts.signals import person_data_handled, team_changed
        from core import admin_audit, area_panels, personal_data, transition

        from . import retention
        from .chain import canonical_data
        from .panels import timeline
        from .personal_data import KINDS, activity_record_person_data
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

        retention.register()

        # Moves made through core.transition are recorded here, and resolve what they close.
        transition.trail_register(
            transition.Trail(record=activity_record, resolve=notifications_resolve)
        )

        # Accounts announces team changes (invitations, joining, removal); the trail records them.
        team_changed.connect(activity_record_team_change, dispatch_uid="activity.team_changed")

        # Accounts announces a person's data exported or the person anonymised.
        person_data_handled.connect(
            activity_record_person_data, dispatch_uid="activity.person_data_handled"
        )
        for kind in KINDS:
            personal_data.register(kind)

        area_panels.register(
            area_panels.AreaPanel(
                name="timeline",
                heading="Timeline",
                heading_id="h-timeline",
                template="activity/_area_timeline.html",
                page_template="activity/_area_timeline_entries.html",
                context=timeline,
            )
        )
