from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"

    def ready(self):
        from accounts.signals import team_changed
        from core import area_panels

        from .panels import timeline
        from .services import activity_record_team_change

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
