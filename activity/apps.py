from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"

    def ready(self):
        from core import area_panels

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
