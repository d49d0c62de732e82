from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = "Grant closure"

    def ready(self):
        from core import area_panels
        from core.area_writes import register_area_write_hold
        from grants.holds import register_payment_hold

        from .holds import (
            closed_area_annotations,
            closed_grant_hold,
            closed_payment_annotations,
            closed_payment_hold,
        )
        from .panels import area_panel

        # A closed grant's records are read-only; no money moves on it.
        register_area_write_hold(closed_grant_hold, annotations=closed_area_annotations)
        register_payment_hold(closed_payment_hold, annotations=closed_payment_annotations)
        area_panels.register(
            area_panels.AreaPanel(
                name="closure",
                heading="Grant closure",
                heading_id="h-closure",
                section_id="closure",
                template="closure/_area_panel.html",
                context=area_panel,
                placeholder="card",
            )
        )
