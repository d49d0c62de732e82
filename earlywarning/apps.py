from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "earlywarning"
    verbose_name = "Early warning"

    def ready(self):
        from activity.signals import recorded
        from core import area_panels

        from . import panels
        from .services import recompute_on_change

        # An entry written for an area (a contact logged, a return sent, a message, a decision)
        # may move the area's score: recompute it once the writer commits.
        recorded.connect(recompute_on_change, dispatch_uid="earlywarning.recompute_on_change")
        area_panels.register(
            area_panels.AreaPanel(
                name="early_warning",
                heading="Early warning",
                heading_id="h-early-warning",
                template="earlywarning/includes/area_panel.html",
                context=panels.area_panel,
                shown=panels.area_panel_shown,
                placeholder="card",
            )
        )
