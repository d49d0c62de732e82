from django.apps import AppConfig


class DiligenceConfig(AppConfig):
    name = "diligence"
    verbose_name = "Due diligence"

    def ready(self):
        from core import area_panels
        from grants.holds import register_award_hold, register_payment_hold

        from . import holds, panels

        # No award is made and no payment approved or paid while the lead organisation's due
        # diligence is missing, expired, or high risk without a decision (grants/holds.py).
        register_award_hold(holds.award_hold)
        register_payment_hold(holds.payment_hold)

        area_panels.register(
            area_panels.AreaPanel(
                name="diligence",
                heading="Due diligence",
                heading_id="h-diligence",
                template="diligence/includes/area_panel.html",
                context=panels.area_panel,
                shown=panels.area_panel_shown,
                placeholder="card",
            )
        )
